from . import (
    crm_bulk_import_field,
    crm_bulk_import_job,
    crm_bulk_import_job_line,
    crm_bulk_import_type,
    crm_bulk_import_type_assignment,
    res_partner,
)
