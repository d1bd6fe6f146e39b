import {registry} from "@web/core/registry";

// A customer-assignment file as a user would export it from their billing tool.
const CSV = [
    "External Id,Account manager email,Workflow name",
    "CUST-001,alice@example.com,Onboarding",
    "CUST-002,bob@example.com,",
    "CUST-404,alice@example.com,",
].join("\r\n");

registry.category("web_tour.tours").add("crm_bulk_import_assignment_tour", {
    steps: () => [
        {
            content: "Upload the file in the assignment wizard",
            trigger: ".modal .o_field_widget[name=file] .o_select_file_button",
            run() {
                const input = document.querySelector(
                    ".modal .o_field_widget[name=file] input[type=file]"
                );
                const transfer = new DataTransfer();
                transfer.items.add(
                    new File([CSV], "assignment.csv", {type: "text/csv"})
                );
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", {bubbles: true}));
            },
        },
        {
            content: "The file is loaded: go to the mapping step",
            trigger: ".modal .o_field_widget[name=file] .o_clear_file_button",
        },
        {
            trigger: ".modal button[name=action_read_file]",
            run: "click",
        },
        {
            content: "The first rows are previewed",
            trigger: ".modal .o_crm_bulk_import_preview td:contains(CUST-404)",
        },
        {
            content: "The columns are mapped to the assignment fields",
            trigger:
                ".modal .o_field_widget[name=mapping_ids] tr:contains(Account manager email) td[name=field_id]:contains(Account manager email)",
        },
        {
            trigger: ".modal button[name=action_import]",
            run: "click",
        },
        {
            content: "The job shows the result: 2 updated, 1 error",
            trigger: ".o_form_view .o_field_widget[name=count_updated]:contains(2)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=count_error]:contains(1)",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=line_ids] td:contains(The customer was not found)",
        },
        {
            trigger: ".o_form_view button[name=action_download_errors]",
        },
    ],
});
