import {registry} from "@web/core/registry";

// A manager works the registered leads: approve one, reject another with a
// reason, from the list where pending leads come first.
registry.category("web_tour.tours").add("crm_bulk_import_approval_tour", {
    steps: () => [
        {
            content: "Pending registered leads are listed, with their partner",
            trigger: ".o_list_view .o_data_row:contains(Tour deal 1):contains(Pending)",
        },
        {
            trigger:
                ".o_list_view .o_data_row:contains(Tour deal 1) .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Approve the selected lead",
            trigger: "button[name=action_approve]",
            run: "click",
        },
        {
            content: "Approved: no longer pending",
            trigger: ".o_list_view:not(:has(.o_data_row:contains(Tour deal 1)))",
        },
        {
            trigger:
                ".o_list_view .o_data_row:contains(Tour deal 2) .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Reject it: a reason is asked",
            trigger: "button[name=action_open_registration_reject]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit We already work this account with another partner.",
        },
        {
            trigger: ".modal button[name=action_reject]",
            run: "click",
        },
        {
            content: "Rejected: out of the pending list, the third one waits",
            trigger:
                "body:not(:has(.modal)) .o_list_view:not(:has(.o_data_row:contains(Tour deal 2))) .o_data_row:contains(Tour deal 3)",
        },
    ],
});
