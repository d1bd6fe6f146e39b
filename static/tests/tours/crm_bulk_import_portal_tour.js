import {registry} from "@web/core/registry";

const HEADER =
    "Agent ID,Lead name,Contact name,Email,Company,Phone,Description,Expected revenue";
const WITH_ERRORS = [
    HEADER,
    ",Office move,Jane Buyer,jane@acme.example,Acme,+1 555 0100,20 desks,12000",
    ",,John Doe,john@beta.example,Beta,,,",
    ",Fleet renewal,Ann Lee,not-an-email,Gamma,,,",
].join("\r\n");
const FIXED = [
    HEADER,
    ",Office move,Jane Buyer,jane@acme.example,Acme,+1 555 0100,20 desks,12000",
    ",Printer fleet,John Doe,john@beta.example,Beta,,,",
    ",Fleet renewal,Ann Lee,ann@gamma.example,Gamma,,,",
].join("\r\n");

function upload(content) {
    const input = document.querySelector("input[name=file]");
    const transfer = new DataTransfer();
    transfer.items.add(new File([content], "leads.csv", {type: "text/csv"}));
    input.files = transfer.files;
}

registry.category("web_tour.tours").add("crm_bulk_import_portal_tour", {
    url: "/my/registered-leads",
    steps: () => [
        {
            content: "Open the upload page from the registered leads",
            trigger: "a.o_crm_bulk_import_portal_upload",
            run: "click",
        },
        {
            content: "Download the template: its header follows the registration form",
            trigger: "a.o_crm_bulk_import_template_csv",
            async run() {
                const response = await fetch("/my/registered-leads/template.csv");
                const text = (await response.text()).replace(/^\ufeff/, "");
                if (
                    !text.startsWith(
                        "Agent ID,Lead name*,Contact name*,Email*,Company*"
                    )
                ) {
                    throw new Error(`unexpected template: ${text}`);
                }
            },
        },
        {
            content: "Upload a file with two errors",
            trigger: "input[name=file]",
            run() {
                upload(WITH_ERRORS);
            },
        },
        {
            trigger: "button.o_crm_bulk_import_portal_submit",
            run: "click",
        },
        {
            content: "Both errors are listed, by row and column",
            trigger:
                ".o_crm_bulk_import_portal_errors:contains(Nothing was imported: 2 row(s) have errors.)",
        },
        {
            trigger:
                '.o_crm_bulk_import_portal_error:contains(Row 3, column "Lead name": a value is required.)',
        },
        {
            trigger:
                '.o_crm_bulk_import_portal_error:contains(Row 4, column "Email", value "not-an-email")',
        },
        {
            content:
                "Download the file back with an Error column, to fix it in a spreadsheet",
            trigger: "a.o_crm_bulk_import_portal_errors_file",
            async run() {
                const response = await fetch(this.anchor.getAttribute("href"));
                const text = (await response.text()).replace(/^\ufeff/, "");
                const lines = text.split(/\r?\n/);
                if (!response.ok || !lines[0].endsWith(",Error")) {
                    throw new Error(`unexpected error file: ${text}`);
                }
                if (
                    !text.includes("a value is required") ||
                    !text.includes("not-an-email")
                ) {
                    throw new Error(`the error file lacks the rows in error: ${text}`);
                }
            },
        },
        {
            content: "Upload the fixed file",
            trigger: "input[name=file]",
            run() {
                upload(FIXED);
            },
        },
        {
            trigger: "button.o_crm_bulk_import_portal_submit",
            run: "click",
        },
        {
            trigger: ".o_crm_bulk_import_portal_success:contains(3 leads registered)",
        },
        {
            trigger: ".o_crm_bulk_import_portal_success a:contains(See your leads)",
            run: "click",
        },
        {
            content: "The leads are pending in /my/registered-leads",
            trigger:
                "tr.o_crm_bulk_import_portal_lead:contains(Printer fleet):contains(Pending)",
        },
        {
            trigger:
                "tr.o_crm_bulk_import_portal_lead:contains(Office move):contains(Pending)",
        },
    ],
});
