#include "domain/request_status.hpp"

#include <string>

namespace kronos::leave::domain {

namespace {

DomainError forbidden(std::string message) {
    return DomainError{ErrorKind::forbidden, "", std::move(message)};
}

DomainError wrong_status(RequestAction action, RequestStatus current) {
    return DomainError{ErrorKind::conflict, "",
                       "cannot " + std::string(to_string(action)) + " a request that is " +
                           std::string(to_string(current))};
}

Result<RequestStatus> decide(RequestStatus current, RequestAction action, const Actor& actor) {
    if (actor.is_requester) {
        return forbidden("nobody may " + std::string(to_string(action)) +
                         " their own leave request");
    }
    if (!actor.is_requesters_manager && !actor.is_hr_or_admin) {
        return forbidden("only the requester's manager, HR or an admin may " +
                         std::string(to_string(action)) + " this request");
    }
    if (current != RequestStatus::pending) {
        return wrong_status(action, current);
    }
    return action == RequestAction::approve ? RequestStatus::approved : RequestStatus::rejected;
}

Result<RequestStatus> cancel(RequestStatus current, const Actor& actor,
                             kronos::core::Date start_date, kronos::core::Date today) {
    if (!actor.is_requester && !actor.is_hr_or_admin) {
        return forbidden("only the requester, HR or an admin may cancel this request");
    }
    if (current != RequestStatus::pending && current != RequestStatus::approved) {
        return wrong_status(RequestAction::cancel, current);
    }
    if (current == RequestStatus::approved && !actor.is_hr_or_admin && today >= start_date) {
        return DomainError{ErrorKind::conflict, "",
                           "approved leave that started on " + core::format_date(start_date) +
                               " can only be cancelled by HR or an admin"};
    }
    return RequestStatus::cancelled;
}

}  // namespace

std::string_view to_string(RequestStatus status) {
    switch (status) {
        case RequestStatus::pending:
            return "pending";
        case RequestStatus::approved:
            return "approved";
        case RequestStatus::rejected:
            return "rejected";
        case RequestStatus::cancelled:
            return "cancelled";
    }
    return "unknown";
}

std::string_view to_string(RequestAction action) {
    switch (action) {
        case RequestAction::approve:
            return "approve";
        case RequestAction::reject:
            return "reject";
        case RequestAction::cancel:
            return "cancel";
    }
    return "unknown";
}

std::optional<RequestStatus> parse_request_status(std::string_view text) {
    for (RequestStatus status : {RequestStatus::pending, RequestStatus::approved,
                                 RequestStatus::rejected, RequestStatus::cancelled}) {
        if (text == to_string(status)) {
            return status;
        }
    }
    return std::nullopt;
}

RequestStatus initial_status(bool requires_approval) {
    return requires_approval ? RequestStatus::pending : RequestStatus::approved;
}

Result<RequestStatus> apply_action(RequestStatus current, RequestAction action, const Actor& actor,
                                   kronos::core::Date start_date, kronos::core::Date today) {
    if (action == RequestAction::cancel) {
        return cancel(current, actor, start_date, today);
    }
    return decide(current, action, actor);
}

}  // namespace kronos::leave::domain
