from . import (
    test_access,
    test_assignment,
    test_background,
    test_bad_input,
    test_browser,
    test_readers,
    test_wizard,
    test_writers,
)
