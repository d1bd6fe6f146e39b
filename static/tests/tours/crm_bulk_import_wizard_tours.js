import {registry} from "@web/core/registry";

// One tour per import type, as a user runs it from its menu: upload a file,
// see the first rows, map by hand the column the wizard cannot guess, dry-run
// in the wizard, import, open the line in error, download the rows in error.
function wizardTour({csv, fileName, preview, handMap, dryRun, counts, errorText}) {
    const mapping = `.modal .o_field_widget[name=mapping_ids] tr:contains(${handMap.column}) td[name=field_id]`;
    return [
        {
            content: "Upload the file in the wizard",
            trigger: ".modal .o_field_widget[name=file] .o_select_file_button",
            run() {
                const input = document.querySelector(
                    ".modal .o_field_widget[name=file] input[type=file]"
                );
                const transfer = new DataTransfer();
                transfer.items.add(new File([csv], fileName, {type: "text/csv"}));
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", {bubbles: true}));
            },
        },
        {trigger: ".modal .o_field_widget[name=file] .o_clear_file_button"},
        {trigger: ".modal button[name=action_read_file]", run: "click"},
        {
            content: "The first rows are previewed",
            trigger: `.modal .o_crm_bulk_import_preview td:contains(${preview})`,
        },
        {
            content: "Map the column the wizard could not guess",
            trigger: mapping,
            run: "click",
        },
        {trigger: `${mapping} input`, run: `edit ${handMap.field}`},
        {
            trigger: `.o-autocomplete--dropdown-item a:contains(${handMap.field})`,
            run: "click",
        },
        {
            content: "Dry run: the outcome shows in the wizard",
            trigger: ".modal button[name=action_dry_run]",
            run: "click",
        },
        ...dryRun.map((text) => ({
            trigger: `.modal .o_crm_bulk_import_wizard_dry_run:contains(${text})`,
        })),
        {content: "Import", trigger: ".modal button[name=action_import]", run: "click"},
        ...Object.entries(counts).map(([field, value]) => ({
            trigger: `.o_form_view .o_field_widget[name=${field}]:contains(${value})`,
        })),
        {
            content: "Open the line in error",
            trigger: `.o_form_view .o_field_widget[name=line_ids] .o_data_row:contains(${errorText}) td[name=message]`,
            run: "click",
        },
        {trigger: `.modal .o_field_widget[name=message]:contains(${errorText})`},
        {trigger: ".modal .modal-header .btn-close", run: "click"},
        {
            content: "Download the rows in error",
            trigger:
                "body:not(:has(.modal)) .o_form_view button[name=action_download_errors]",
            run: "click",
        },
        {trigger: ".o_form_view .o_field_widget[name=count_error]:contains(1)"},
    ];
}

const TOURS = {
    crm_bulk_import_member_tour: {
        // French headers, one column the wizard cannot guess, a plan misspelt.
        csv: [
            "Nom,Nom du forfait,Date de début,Adresse de messagerie,Entreprise,Date de la prochaine facture",
            "Ada Tour,Tour Desk,2026-01-01,ada@tour.example,Tour Co,2099-01-01",
            "Ben Tour,Tour Desk,2026-01-01,ben@tour.example,Tour Co,2099-01-01",
            "Cy Tour,Tour Dsk,2026-01-01,cy@tour.example,,2099-01-01",
        ].join("\r\n"),
        fileName: "membres.csv",
        preview: "Cy Tour",
        handMap: {column: "Adresse de messagerie", field: "Email"},
        dryRun: ["2 would be created", "1 with errors", "Tour Dsk"],
        counts: {count_created: 2, count_error: 1},
        errorText: "Did you mean",
    },
    crm_bulk_import_promote_tour: {
        csv: [
            "Mail pro,First Name,Last Name,Team Name,Plans",
            "tina@tour.example,Tina,Tour,Tour Team,Tour Desk",
            "zed@nowhere.example,Zed,Nobody,Tour Team,Tour Desk",
        ].join("\r\n"),
        fileName: "promote.csv",
        preview: "zed@nowhere.example",
        handMap: {column: "Mail pro", field: "Email"},
        dryRun: ["1 would be created", "1 with errors", "zed@nowhere.example"],
        counts: {count_created: 1, count_error: 1},
        errorText: "No open lead",
    },
    crm_bulk_import_prospect_tour: {
        csv: [
            "Name,Email,Company,Prospect group,Homepage",
            "Pia Tour,pia@tour.example,Pia Co,Tour Group,https://pia.example",
            "Quinn Tour,quinn@tour.example,Quinn Co,No Such Group,",
        ].join("\r\n"),
        fileName: "prospects.csv",
        preview: "Quinn Tour",
        handMap: {column: "Homepage", field: "Website"},
        dryRun: ["1 would be created", "1 with errors", "No Such Group"],
        counts: {count_created: 1, count_error: 1},
        errorText: "Prospect group not found",
    },
    crm_bulk_import_lead_tour: {
        // All or nothing: one unknown Partner ID and no lead is imported.
        csv: [
            "Partner ID,Lead name,Contact name,Email,Organisation",
            "P-TOUR,Deal A,Jane Buyer,a@buyer.example,Acme",
            "P-NOPE,Deal B,John Buyer,b@buyer.example,Beta",
        ].join("\r\n"),
        fileName: "leads.csv",
        preview: "P-NOPE",
        handMap: {column: "Organisation", field: "Company"},
        dryRun: ["1 would be created", "1 with errors", "P-NOPE"],
        counts: {count_skipped: 1, count_error: 1},
        errorText: "Partner ID not found",
    },
};

for (const [name, spec] of Object.entries(TOURS)) {
    registry.category("web_tour.tours").add(name, {steps: () => wizardTour(spec)});
}
