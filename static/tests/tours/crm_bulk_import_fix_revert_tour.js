import {registry} from "@web/core/registry";

// On an assignment job that ended with an error: fix the failing row in the
// job's form, retry it, then revert the whole import (dry run first).
registry.category("web_tour.tours").add("crm_bulk_import_fix_revert_tour", {
    steps: () => [
        {
            content: "The job ended with an error: open the rows to fix",
            trigger: ".o_form_view .o_notebook a:contains(Rows to fix)",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=error_line_ids] td:contains(The customer was not found)",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=error_line_ids] button[name=action_fix]",
            run: "click",
        },
        {
            content: "The column in error comes first: correct its value",
            trigger:
                ".modal .o_field_widget[name=cell_ids] tr.o_data_row:first td[name=column_name]:contains(External Id)",
        },
        {
            trigger:
                ".modal .o_field_widget[name=cell_ids] tr.o_data_row:first td[name=value]",
            run: "click",
        },
        {
            trigger:
                ".modal .o_field_widget[name=cell_ids] tr.o_data_row:first td[name=value] input",
            run: "edit CUST-003",
        },
        {
            trigger: ".modal button[name=action_save]",
            run: "click",
        },
        {
            // Once a row is corrected, Retry asks no confirmation.
            content: "Retry only the failed row",
            trigger:
                "body:not(:has(.modal)) .o_form_view button.btn-primary[name=action_retry_failed]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=count_updated]:contains(3)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=count_error]:contains(0)",
        },
        {
            content: "Dry-run the revert: the lines say what it would do",
            trigger: ".o_form_view button[name=action_revert_dry_run]",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=line_ids] td:contains(Would be reverted)",
        },
        {
            trigger: ".o_form_view button[name=action_revert]",
            run: "click",
        },
        {
            content: "Confirm the revert",
            trigger: ".modal .modal-footer button.btn-primary",
            run: "click",
        },
        {
            trigger: ".o_form_view .alert-warning:contains(This import was reverted)",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=line_ids] td:contains(restored Customer 3)",
        },
    ],
});
