## The problems an answer can report: a title and a detail for each slug.
## JSON answers keep their English `title`; the pages and `detail` use these.

problem-malformed-body-title = The request body is not well-formed
problem-malformed-body-detail = Send a JSON object or a URL-encoded form in UTF-8.
problem-registration-closed-title = Registration is closed
problem-registration-closed-detail = Registration for this event has closed.
problem-registration-not-open-title = Registration is not open yet
problem-registration-not-open-detail = Registration for this program has not opened yet. Come back once it opens.
problem-already-registered-title = This email address is already registered
problem-already-registered-detail = This email address is already registered for this event. If you have not confirmed yet, check your inbox: we have sent the confirmation link again unless we sent it in the last ten minutes.
problem-payload-too-large-title = The request body is too large
problem-payload-too-large-detail = The request body must be at most 16 KiB.
problem-unsupported-media-type-title = Unsupported content type
problem-unsupported-media-type-detail = Send application/json or application/x-www-form-urlencoded in UTF-8.
problem-validation-title = Some fields are invalid
problem-validation-detail = One or more fields are invalid; see errors.
problem-too-many-requests-title = Too many registrations from your network
problem-too-many-requests-detail = Too many registrations came from your network in the last hour. Please try again later.
problem-internal-title = Something went wrong on our side
problem-internal-detail = Please try again later.
problem-unavailable-title = The service is temporarily unavailable
problem-unavailable-detail = Please try again in a few minutes.
problem-not-found-title = Not found
problem-not-found-detail = There is nothing at this address.
problem-method-not-allowed-title = Method not allowed
problem-method-not-allowed-detail = This address does not accept that method.
problem-cross-site-title = This request came from another site
problem-cross-site-detail = Only this site's own pages may send this request. Open the link from your email and use the button on its page.
problem-missing-token-title = The link has no token
problem-missing-token-detail = Send the token from the emailed link.
problem-unknown-token-title = This link is not valid
problem-unknown-token-detail = The token is unknown or was changed. Use the link from your latest email.
problem-event-started-title = The webinar has started
problem-event-started-detail = Registrations cannot be changed once the webinar has started.
