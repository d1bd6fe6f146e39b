# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The wheel's build backend: whool, OCA's build backend for Odoo addons,
run on a copy of this repository in a folder named after the addon.

whool names the distribution after the addon's folder (``odoo-addon-<folder>``)
and this repository's root is the addon, cloned into a folder of any name.
The copy holds the files git tracks (all of them, from an sdist), as whool
would take them."""

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from whool import buildapi

ADDON = "crm_bulk_import"
# Never part of the addon, when the source is not a git checkout.
LOCAL = {".git", ".venv", ".build", "build", "dist", "__pycache__"}


def _tracked(root):
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return [name for name in listed.decode().split("\0") if name]


@contextlib.contextmanager
def _addon_folder():
    """The current folder as whool wants it: named after the addon."""
    root = Path.cwd()
    if root.name == ADDON:
        yield
        return
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / ADDON
        tracked = None if (root / "PKG-INFO").exists() else _tracked(root)
        if tracked is None:
            shutil.copytree(root, copy, ignore=lambda _dir, names: LOCAL & set(names))
        else:
            for name in tracked:
                if (root / name).is_file():
                    (copy / name).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(root / name, copy / name)
        os.chdir(copy)
        try:
            yield
        finally:
            os.chdir(root)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    wheel_directory = os.path.abspath(wheel_directory)
    with _addon_folder():
        return buildapi.build_wheel(wheel_directory, config_settings, metadata_directory)


def build_sdist(sdist_directory, config_settings=None):
    sdist_directory = os.path.abspath(sdist_directory)
    with _addon_folder():
        return buildapi.build_sdist(sdist_directory, config_settings)


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    metadata_directory = os.path.abspath(metadata_directory)
    with _addon_folder():
        return buildapi.prepare_metadata_for_build_wheel(metadata_directory, config_settings)
