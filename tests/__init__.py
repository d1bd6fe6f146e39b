from . import test_readers
from . import test_writers
from . import test_bad_input
from . import test_assignment
from . import test_background
from . import test_wizard
from . import test_access
from . import test_browser
