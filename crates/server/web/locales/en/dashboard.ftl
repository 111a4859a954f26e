## The principal's dashboard
dash-title = Your consents
dash-nav-label = Your dashboard
dash-nav-consents = Consents
dash-nav-inbox = Messages
dash-nav-cases = Grievances and requests
dash-sign-out = Sign out
dash-back = Back

## Signing in
dash-signin-title = Sign in to see your consents
dash-signin-intro = We will send a one-time code to the mobile number or e-mail address that the organisation has verified for you.
dash-contact = Mobile number or e-mail address
dash-send-code = Send me a code
dash-contact-invalid = Enter a 10-digit mobile number or an e-mail address.
dash-code-title = Enter your code
dash-code-sent = If { $contact } is known to the organisation, a six-digit code is on its way. It is valid for { $minutes } minutes.
dash-code = Six-digit code
dash-sign-in = Sign in
dash-code-again = Ask for a new code
dash-code-wrong = The code is wrong, expired or used up. Ask for a new one.
dash-handoff-title = Open your dashboard
dash-handoff-intro = Paste the sign-in token the organisation gave you.
dash-token = Sign-in token
dash-open = Open
dash-signed-out-title = You are signed out
dash-signed-out = Open your dashboard again from the organisation's website or app.

## Consents
dash-done = Done: your choice for { $purpose } is recorded.
dash-filter = Find consents
dash-purpose = Purpose
dash-status = Status
dash-any = Any
dash-from = Changed on or after
dash-to = Changed on or before
dash-apply = Show
dash-group-reconsent = Asked to consent again
dash-group-active = Active
dash-group-expired = Expired
dash-group-withdrawn = Withdrawn
dash-group-denied = Refused
dash-none = Nothing here.
dash-notice = Notice { $notice }, version { $version }
dash-reconsent = The notice has changed. Please read it and consent again.
dash-data = Data used
dash-changed = Changed on { $date }
dash-expires = Valid until { $date }
dash-reconsent-button = Consent again
dash-renew = Renew
dash-grant = Give consent
dash-withdraw = Withdraw
dash-history = History
dash-export-title = Download your history
dash-export-csv = As a spreadsheet (CSV)
dash-export-record = As a consent record (ISO/IEC 27560, JSON-LD)
dash-export-pdf = As a document (PDF)
dash-pdf-title = Your consent history
dash-pdf-made = Made on { $date }. Personal data is shown masked.
dash-pdf-page = Page { $page } of { $pages }
dash-consent = Consent
dash-choice = Choice
dash-choice-granted = Given
dash-choice-denied = Refused
dash-valid-until = Valid until

## A consent's history
dash-history-title = History of this consent
dash-version = Version
dash-when = When
dash-event = What happened
dash-by = By
dash-event-collected = Given
dash-event-updated = Changed
dash-event-renewed = Renewed
dash-event-withdrawn = Withdrawn
dash-event-expired = Expired
dash-by-principal = You
dash-by-fiduciary = The organisation
dash-by-system = Automatically
dash-by-other = Staff or your nominee

## Messages
dash-ack = Mark as read
dash-read-on = Read on { $date }

## Grievances and requests
dash-reference = Reference
dash-kind = Kind
dash-filed = Filed on
dash-respond-by = Answer due by
dash-kind-grievance = Grievance
dash-kind-access = A copy of my data
dash-kind-correction = Correct my data
dash-kind-erasure = Erase my data
dash-kind-nomination = Nominate someone
dash-case-submitted = Received
dash-case-acknowledged = Acknowledged
dash-case-in_progress = In progress
dash-case-escalated = Escalated
dash-case-resolved = Resolved
dash-case-closed = Closed
dash-case-reopened = Reopened
dash-grievance-title = File a grievance
dash-category = Category
dash-description = What happened?
dash-file = Send
dash-request-title = Make a request
dash-request-kind = What do you ask for?
dash-details = Details (optional)
dash-correction-field = For a correction: what to correct
dash-correction-value = For a correction: the right value
dash-nominee-name = For a nomination: the person's name
dash-nominee-contact = For a nomination: their mobile number or e-mail address
dash-access-document = Download your data (JSON)

## Errors
dash-error-not-found = There is no such consent or case in your account.
dash-error-refused = This could not be done. Nothing was changed. Please check the form and try again.
dash-error-too-many = Too many tries. Please wait a few minutes and try again.
dash-error-input = The form could not be read. Please check it and try again.
dash-error-hand-off = This sign-in has expired or is not valid. Please open the dashboard again from the organisation's website or app.
dash-error-pdf = The document could not be made just now. Your history can also be downloaded as a spreadsheet (CSV).
