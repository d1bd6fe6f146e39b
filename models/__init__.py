from . import crm_bulk_import_job
from . import crm_bulk_import_job_line
from . import crm_bulk_import_type
from . import crm_bulk_import_type_assignment
from . import crm_bulk_import_field
from . import res_partner
