import { registry } from "@web/core/registry";

// Members moving from another tool, French headers, one column the wizard
// cannot guess and one plan misspelt.
const CSV = [
    "Nom,Nom du forfait,Date de début,Adresse de messagerie,Entreprise,Date de la prochaine facture",
    "Ada Tour,Tour Desk,2026-01-01,ada@tour.example,Tour Co,2099-01-01",
    "Ben Tour,Tour Desk,2026-01-01,ben@tour.example,Tour Co,2099-01-01",
    "Cy Tour,Tour Dsk,2026-01-01,cy@tour.example,,2099-01-01",
].join("\r\n");

registry.category("web_tour.tours").add("crm_bulk_import_member_tour", {
    steps: () => [
        {
            content: "Upload the file in the member wizard",
            trigger: ".modal .o_field_widget[name=file] .o_select_file_button",
            run() {
                const input = document.querySelector(".modal .o_field_widget[name=file] input[type=file]");
                const transfer = new DataTransfer();
                transfer.items.add(new File([CSV], "membres.csv", { type: "text/csv" }));
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            trigger: ".modal .o_field_widget[name=file] .o_clear_file_button",
        },
        {
            trigger: ".modal button[name=action_read_file]",
            run: "click",
        },
        {
            content: "The first rows are previewed",
            trigger: ".modal .o_crm_bulk_import_preview td:contains(Cy Tour)",
        },
        {
            content: "The French headers are recognised",
            trigger: ".modal .o_field_widget[name=mapping_ids] tr:contains(Nom du forfait) td[name=field_id]:contains(Plan Name)",
        },
        {
            content: "Map the column the wizard could not guess",
            trigger: ".modal .o_field_widget[name=mapping_ids] tr:contains(Adresse de messagerie) td[name=field_id]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=mapping_ids] tr:contains(Adresse de messagerie) td[name=field_id] input",
            run: "edit Email",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Email)",
            run: "click",
        },
        {
            content: "Dry run: the outcome shows in the wizard",
            trigger: ".modal button[name=action_dry_run]",
            run: "click",
        },
        {
            trigger: ".modal .o_crm_bulk_import_wizard_dry_run:contains(2 would be created):contains(1 with errors)",
        },
        {
            trigger: ".modal .o_crm_bulk_import_wizard_dry_run li:contains(Tour Dsk)",
        },
        {
            content: "Import",
            trigger: ".modal button[name=action_import]",
            run: "click",
        },
        {
            content: "The job: 2 members created, 1 error",
            trigger: ".o_form_view .o_field_widget[name=count_created]:contains(2)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=count_error]:contains(1)",
        },
        {
            content: "Open the line in error",
            trigger: ".o_form_view .o_field_widget[name=line_ids] .o_data_row:contains(Tour Dsk) td[name=message]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=message]:contains(Did you mean)",
        },
        {
            trigger: ".modal .modal-footer button.btn-primary, .modal .modal-header .btn-close",
            run: "click",
        },
        {
            content: "Download the rows in error",
            trigger: "body:not(:has(.modal)) .o_form_view button[name=action_download_errors]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=count_error]:contains(1)",
        },
    ],
});
