from . import crm_bulk_import_wizard
from . import crm_bulk_import_wizard_types
from . import crm_bulk_import_wizard_mapping
from . import crm_bulk_import_line_fix
from . import crm_lead_registration_reject
from . import crm_bulk_import_start
