from . import tag_type
