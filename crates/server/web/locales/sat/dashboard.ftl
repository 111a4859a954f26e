## The principal's dashboard
dash-title = ᱟᱢᱟᱜ ᱥᱟᱹᱦᱢᱚᱛᱤ ᱠᱚ
dash-nav-label = ᱟᱢᱟᱜ ᱰᱮᱥᱵᱚᱨᱰ
dash-nav-consents = ᱥᱟᱹᱦᱢᱚᱛᱤ ᱠᱚ
dash-nav-inbox = ᱠᱷᱚᱵᱚᱨ ᱠᱚ
dash-nav-cases = ᱱᱟᱹᱞᱤᱥ ᱟᱨ ᱱᱮᱦᱚᱨ ᱠᱚ
dash-sign-out = ᱥᱟᱭᱤᱱ ᱟᱣᱩᱴ ᱢᱮ
dash-back = ᱛᱟᱭᱚᱢ

## Signing in
dash-signin-title = ᱟᱢᱟᱜ ᱥᱟᱹᱦᱢᱚᱛᱤ ᱠᱚ ᱧᱮᱞ ᱞᱟᱹᱜᱤᱫ ᱥᱟᱭᱤᱱ ᱤᱱ ᱢᱮ
dash-signin-intro = ᱜᱟᱶᱛᱟ ᱟᱢ ᱞᱟᱹᱜᱤᱫ ᱡᱟᱦᱟᱸ ᱢᱚᱵᱟᱭᱤᱞ ᱱᱚᱢᱵᱚᱨ ᱥᱮ ᱤ-ᱢᱮᱞ ᱴᱷᱤᱠᱟᱹᱱᱟ ᱥᱟᱹᱨᱤ ᱠᱟᱫᱟ, ᱚᱱᱟ ᱨᱮ ᱟᱞᱮ ᱢᱤᱫ ᱫᱷᱟᱣ ᱨᱮᱱᱟᱜ ᱠᱳᱰ ᱠᱩᱞ ᱟᱞᱮ᱾
dash-contact = ᱢᱚᱵᱟᱭᱤᱞ ᱱᱚᱢᱵᱚᱨ ᱥᱮ ᱤ-ᱢᱮᱞ ᱴᱷᱤᱠᱟᱹᱱᱟ
dash-send-code = ᱤᱧ ᱴᱷᱮᱱ ᱠᱳᱰ ᱠᱩᱞ ᱢᱮ
dash-contact-invalid = 10 ᱮᱞ ᱢᱚᱵᱟᱭᱤᱞ ᱱᱚᱢᱵᱚᱨ ᱥᱮ ᱤ-ᱢᱮᱞ ᱴᱷᱤᱠᱟᱹᱱᱟ ᱚᱞ ᱢᱮ᱾
dash-code-title = ᱟᱢᱟᱜ ᱠᱳᱰ ᱚᱞ ᱢᱮ
dash-code-sent = ᱡᱩᱫᱤ { $contact } ᱜᱟᱶᱛᱟ ᱵᱟᱰᱟᱭ ᱠᱟᱫᱟ, ᱛᱚᱵᱮ ᱛᱩᱨᱩᱭ ᱮᱞ ᱠᱳᱰ ᱠᱩᱞ ᱦᱩᱭᱩᱜ ᱠᱟᱱᱟ᱾ ᱱᱚᱶᱟ { $minutes } ᱢᱤᱱᱤᱴ ᱦᱟᱹᱵᱤᱡ ᱵᱮᱣᱦᱟᱨ ᱫᱟᱲᱮᱭᱟᱜᱼᱟ᱾
dash-code = ᱛᱩᱨᱩᱭ ᱮᱞ ᱠᱳᱰ
dash-sign-in = ᱥᱟᱭᱤᱱ ᱤᱱ ᱢᱮ
dash-code-again = ᱱᱟᱶᱟ ᱠᱳᱰ ᱟᱨᱡᱤ ᱢᱮ
dash-code-wrong = ᱠᱳᱰ ᱵᱷᱩᱞ, ᱚᱠᱛᱚ ᱪᱟᱵᱟ ᱥᱮ ᱵᱮᱣᱦᱟᱨ ᱦᱩᱭ ᱟᱠᱟᱱᱟ᱾ ᱱᱟᱶᱟ ᱠᱳᱰ ᱟᱨᱡᱤ ᱢᱮ᱾
dash-handoff-title = ᱟᱢᱟᱜ ᱰᱮᱥᱵᱚᱨᱰ ᱡᱷᱤᱡᱽ ᱢᱮ
dash-handoff-intro = ᱜᱟᱶᱛᱟ ᱟᱢ ᱮᱢ ᱟᱠᱟᱫ ᱥᱟᱭᱤᱱ-ᱤᱱ ᱴᱚᱠᱮᱱ ᱱᱚᱰᱮ ᱥᱟᱴ ᱢᱮ᱾
dash-token = ᱥᱟᱭᱤᱱ-ᱤᱱ ᱴᱚᱠᱮᱱ
dash-open = ᱡᱷᱤᱡᱽ ᱢᱮ
dash-signed-out-title = ᱟᱢ ᱥᱟᱭᱤᱱ ᱟᱣᱩᱴ ᱮᱢ ᱦᱩᱭ ᱟᱠᱟᱱᱟ
dash-signed-out = ᱜᱟᱶᱛᱟ ᱨᱮᱱᱟᱜ ᱣᱮᱵᱥᱟᱭᱤᱴ ᱥᱮ ᱮᱯ ᱠᱷᱚᱱ ᱟᱢᱟᱜ ᱰᱮᱥᱵᱚᱨᱰ ᱫᱚᱦᱲᱟ ᱡᱷᱤᱡᱽ ᱢᱮ᱾

## Consents
dash-done = ᱦᱩᱭ ᱮᱱᱟ: { $purpose } ᱞᱟᱹᱜᱤᱫ ᱟᱢᱟᱜ ᱵᱟᱪᱷᱟᱣ ᱚᱞ ᱠᱟᱱᱟ᱾
dash-filter = ᱥᱟᱹᱦᱢᱚᱛᱤ ᱯᱟᱱᱛᱮ ᱢᱮ
dash-purpose = ᱩᱫᱽᱫᱮᱥ
dash-status = ᱫᱚᱥᱟ
dash-any = ᱡᱟᱦᱟᱸ ᱜᱮ
dash-from = ᱱᱚᱶᱟ ᱢᱟᱦᱟᱸ ᱥᱮ ᱛᱟᱭᱚᱢ ᱵᱚᱫᱚᱞ ᱟᱠᱟᱱ
dash-to = ᱱᱚᱶᱟ ᱢᱟᱦᱟᱸ ᱥᱮ ᱞᱟᱦᱟ ᱵᱚᱫᱚᱞ ᱟᱠᱟᱱ
dash-apply = ᱩᱫᱩᱜ ᱢᱮ
dash-group-reconsent = ᱫᱚᱦᱲᱟ ᱥᱟᱹᱦᱢᱚᱛᱤ ᱟᱨᱡᱤ ᱟᱠᱟᱱ
dash-group-active = ᱪᱟᱹᱞᱩ
dash-group-expired = ᱚᱠᱛᱚ ᱪᱟᱵᱟ
dash-group-withdrawn = ᱨᱩᱣᱟᱹᱲ ᱟᱠᱟᱱ
dash-group-denied = ᱵᱟᱝ ᱢᱟᱱᱟᱣ ᱟᱠᱟᱱ
dash-none = ᱱᱚᱰᱮ ᱪᱮᱫ ᱦᱚᱸ ᱵᱟᱹᱱᱩᱜᱼᱟ᱾
dash-notice = ᱥᱩᱪᱱᱟ { $notice }, ᱥᱚᱝᱥᱠᱚᱨᱚᱱ { $version }
dash-reconsent = ᱥᱩᱪᱱᱟ ᱵᱚᱫᱚᱞ ᱟᱠᱟᱱᱟ᱾ ᱫᱟᱭᱟ ᱠᱟᱛᱮ ᱯᱟᱲᱦᱟᱣ ᱠᱟᱛᱮ ᱫᱚᱦᱲᱟ ᱥᱟᱹᱦᱢᱚᱛᱤ ᱮᱢ ᱢᱮ᱾
dash-data = ᱵᱮᱣᱦᱟᱨ ᱦᱩᱭᱩᱜ ᱰᱮᱴᱟ
dash-changed = { $date } ᱨᱮ ᱵᱚᱫᱚᱞ ᱮᱱᱟ
dash-expires = { $date } ᱦᱟᱹᱵᱤᱡ ᱪᱟᱹᱞᱩ
dash-reconsent-button = ᱫᱚᱦᱲᱟ ᱥᱟᱹᱦᱢᱚᱛᱤ ᱮᱢ ᱢᱮ
dash-renew = ᱱᱟᱶᱟ ᱢᱮ
dash-grant = ᱥᱟᱹᱦᱢᱚᱛᱤ ᱮᱢ ᱢᱮ
dash-withdraw = ᱥᱟᱹᱦᱢᱚᱛᱤ ᱨᱩᱣᱟᱹᱲ ᱢᱮ
dash-history = ᱱᱟᱜᱟᱢ
dash-export-title = ᱟᱢᱟᱜ ᱱᱟᱜᱟᱢ ᱰᱟᱣᱱᱞᱳᱰ ᱢᱮ
dash-export-csv = ᱥᱯᱨᱮᱰᱥᱤᱴ ᱞᱮᱠᱟ (CSV)
dash-export-record = ᱥᱟᱹᱦᱢᱚᱛᱤ ᱨᱮᱠᱚᱨᱰ ᱞᱮᱠᱟ (ISO/IEC 27560, JSON-LD)
dash-export-pdf = ᱰᱚᱠᱭᱩᱢᱮᱱᱴ ᱞᱮᱠᱟ (PDF)
dash-pdf-title = ᱟᱢᱟᱜ ᱥᱟᱹᱦᱢᱚᱛᱤ ᱨᱮᱱᱟᱜ ᱱᱟᱜᱟᱢ
dash-pdf-made = { $date } ᱨᱮ ᱛᱮᱭᱟᱨ ᱮᱱᱟ᱾ ᱱᱤᱡᱚᱨᱟᱜ ᱰᱮᱴᱟ ᱛᱤᱱᱟᱹᱜ ᱫᱟᱱᱟᱝ ᱠᱟᱛᱮ ᱫᱮᱠᱷᱟᱣ ᱟᱠᱟᱱᱟ᱾
dash-pdf-page = ᱥᱟᱦᱴᱟ { $page } / { $pages }
dash-consent = ᱥᱟᱹᱦᱢᱚᱛᱤ
dash-choice = ᱵᱟᱪᱷᱟᱣ
dash-choice-granted = ᱮᱢ ᱮᱱᱟ
dash-choice-denied = ᱵᱟᱝ ᱢᱟᱱᱟᱣ ᱟᱠᱟᱱ
dash-valid-until = ᱛᱤᱥ ᱦᱟᱹᱵᱤᱡ ᱪᱟᱹᱞᱩ

## A consent's history
dash-history-title = ᱱᱚᱶᱟ ᱥᱟᱹᱦᱢᱚᱛᱤ ᱨᱮᱱᱟᱜ ᱱᱟᱜᱟᱢ
dash-version = ᱥᱚᱝᱥᱠᱚᱨᱚᱱ
dash-when = ᱛᱤᱥ
dash-event = ᱪᱮᱫ ᱦᱩᱭ ᱮᱱᱟ
dash-by = ᱚᱠᱚᱭ
dash-event-collected = ᱮᱢ ᱮᱱᱟ
dash-event-updated = ᱵᱚᱫᱚᱞ ᱮᱱᱟ
dash-event-renewed = ᱱᱟᱶᱟ ᱮᱱᱟ
dash-event-withdrawn = ᱨᱩᱣᱟᱹᱲ ᱮᱱᱟ
dash-event-expired = ᱚᱠᱛᱚ ᱪᱟᱵᱟ ᱮᱱᱟ
dash-by-principal = ᱟᱢ
dash-by-fiduciary = ᱜᱟᱶᱛᱟ
dash-by-system = ᱟᱡ ᱛᱮ
dash-by-other = ᱠᱟᱹᱢᱤᱦᱚᱲ ᱥᱮ ᱟᱢᱟᱜ ᱧᱩᱛᱩᱢ ᱦᱚᱲ

## Messages
dash-ack = ᱯᱟᱲᱦᱟᱣ ᱟᱠᱟᱱ ᱪᱤᱱᱦᱟᱹ ᱮᱢ ᱢᱮ
dash-read-on = { $date } ᱨᱮ ᱯᱟᱲᱦᱟᱣ ᱮᱱᱟ

## Grievances and requests
dash-reference = ᱥᱚᱸᱫᱷᱚᱨᱚᱵ ᱱᱚᱢᱵᱚᱨ
dash-kind = ᱞᱮᱠᱟᱱ
dash-filed = ᱫᱟᱹᱠᱤᱞ ᱢᱟᱦᱟᱸ
dash-respond-by = ᱛᱮᱞᱟ ᱨᱮᱱᱟᱜ ᱢᱩᱪᱟᱹᱫ ᱢᱟᱦᱟᱸ
dash-kind-grievance = ᱱᱟᱹᱞᱤᱥ
dash-kind-access = ᱤᱧᱟᱜ ᱰᱮᱴᱟ ᱨᱮᱱᱟᱜ ᱱᱚᱠᱚᱞ
dash-kind-correction = ᱤᱧᱟᱜ ᱰᱮᱴᱟ ᱥᱟᱹᱨᱤ ᱢᱮ
dash-kind-erasure = ᱤᱧᱟᱜ ᱰᱮᱴᱟ ᱢᱮᱴᱟᱣ ᱢᱮ
dash-kind-nomination = ᱡᱟᱦᱟᱱᱟᱜ ᱧᱩᱛᱩᱢ ᱮᱢ ᱢᱮ
dash-case-submitted = ᱧᱟᱢ ᱮᱱᱟ
dash-case-acknowledged = ᱨᱚᱥᱤᱫ ᱮᱢ ᱮᱱᱟ
dash-case-in_progress = ᱠᱟᱹᱢᱤ ᱪᱟᱞᱟᱜ ᱠᱟᱱᱟ
dash-case-escalated = ᱢᱟᱨᱟᱝ ᱚᱯᱷᱤᱥᱚᱨ ᱴᱷᱮᱱ ᱠᱩᱞ ᱮᱱᱟ
dash-case-resolved = ᱢᱤᱴᱟᱹᱣ ᱮᱱᱟ
dash-case-closed = ᱵᱚᱸᱫᱚ ᱮᱱᱟ
dash-case-reopened = ᱫᱩᱦᱲᱟᱹ ᱡᱷᱤᱡᱽ ᱮᱱᱟ
dash-grievance-title = ᱱᱟᱹᱞᱤᱥ ᱫᱟᱹᱠᱤᱞ ᱢᱮ
dash-category = ᱛᱷᱚᱠ
dash-description = ᱪᱮᱫ ᱦᱩᱭ ᱮᱱᱟ?
dash-file = ᱠᱩᱞ ᱢᱮ
dash-request-title = ᱱᱮᱦᱚᱨ ᱢᱮ
dash-request-kind = ᱟᱢ ᱪᱮᱫ ᱮᱢ ᱟᱨᱡᱤ ᱠᱟᱱᱟ?
dash-details = ᱵᱤᱵᱨᱚᱬ (ᱢᱚᱱᱮ ᱞᱮᱠᱟᱛᱮ)
dash-correction-field = ᱥᱟᱹᱨᱤ ᱞᱟᱹᱜᱤᱫ: ᱪᱮᱫ ᱥᱟᱹᱨᱤ ᱦᱩᱭᱩᱜ
dash-correction-value = ᱥᱟᱹᱨᱤ ᱞᱟᱹᱜᱤᱫ: ᱴᱷᱤᱠ ᱜᱚᱱᱚᱝ
dash-nominee-name = ᱧᱩᱛᱩᱢ ᱞᱟᱹᱜᱤᱫ: ᱦᱚᱲ ᱨᱮᱱᱟᱜ ᱧᱩᱛᱩᱢ
dash-nominee-contact = ᱧᱩᱛᱩᱢ ᱞᱟᱹᱜᱤᱫ: ᱩᱱᱤᱭᱟᱜ ᱢᱚᱵᱟᱭᱤᱞ ᱱᱚᱢᱵᱚᱨ ᱥᱮ ᱤ-ᱢᱮᱞ ᱴᱷᱤᱠᱟᱹᱱᱟ
dash-access-document = ᱟᱢᱟᱜ ᱰᱮᱴᱟ ᱰᱟᱣᱱᱞᱳᱰ ᱢᱮ (JSON)

## Errors
dash-error-not-found = ᱟᱢᱟᱜ ᱠᱷᱟᱛᱟ ᱨᱮ ᱱᱚᱶᱟ ᱞᱮᱠᱟᱱ ᱥᱟᱹᱦᱢᱚᱛᱤ ᱥᱮ ᱢᱟᱢᱞᱟ ᱵᱟᱹᱱᱩᱜᱼᱟ᱾
dash-error-refused = ᱱᱚᱶᱟ ᱵᱟᱝ ᱦᱩᱭ ᱫᱟᱲᱮᱭᱟᱫᱼᱟ᱾ ᱪᱮᱫ ᱦᱚᱸ ᱵᱟᱝ ᱵᱚᱫᱚᱞ ᱮᱱᱟ᱾ ᱫᱟᱭᱟ ᱠᱟᱛᱮ ᱯᱷᱚᱨᱢ ᱧᱮᱞ ᱠᱟᱛᱮ ᱫᱚᱦᱲᱟ ᱠᱩᱨᱩᱢᱩᱴᱩᱭ ᱢᱮ᱾
dash-error-too-many = ᱟᱹᱰᱤ ᱟᱭᱢᱟ ᱠᱩᱨᱩᱢᱩᱴᱩ᱾ ᱫᱟᱭᱟ ᱠᱟᱛᱮ ᱛᱤᱱᱟᱹᱜ ᱢᱤᱱᱤᱴ ᱛᱟᱹᱝᱜᱤ ᱠᱟᱛᱮ ᱫᱚᱦᱲᱟ ᱠᱩᱨᱩᱢᱩᱴᱩᱭ ᱢᱮ᱾
dash-error-input = ᱯᱷᱚᱨᱢ ᱵᱟᱝ ᱯᱟᱲᱦᱟᱣ ᱫᱟᱲᱮᱭᱟᱫᱼᱟ᱾ ᱫᱟᱭᱟ ᱠᱟᱛᱮ ᱧᱮᱞ ᱠᱟᱛᱮ ᱫᱚᱦᱲᱟ ᱠᱩᱨᱩᱢᱩᱴᱩᱭ ᱢᱮ᱾
dash-error-hand-off = ᱱᱚᱶᱟ ᱥᱟᱭᱤᱱ-ᱤᱱ ᱨᱮᱱᱟᱜ ᱚᱠᱛᱚ ᱪᱟᱵᱟ ᱮᱱᱟ ᱥᱮ ᱵᱟᱝ ᱪᱟᱹᱞᱩᱜᱼᱟ᱾ ᱫᱟᱭᱟ ᱠᱟᱛᱮ ᱜᱟᱶᱛᱟ ᱨᱮᱱᱟᱜ ᱣᱮᱵᱥᱟᱭᱤᱴ ᱥᱮ ᱮᱯ ᱠᱷᱚᱱ ᱰᱮᱥᱵᱚᱨᱰ ᱫᱚᱦᱲᱟ ᱡᱷᱤᱡᱽ ᱢᱮ᱾
dash-error-pdf = ᱰᱚᱠᱭᱩᱢᱮᱱᱴ ᱱᱤᱛᱚᱜ ᱵᱟᱝ ᱛᱮᱭᱟᱨ ᱫᱟᱲᱮᱭᱟᱫᱼᱟ᱾ ᱟᱢᱟᱜ ᱱᱟᱜᱟᱢ ᱥᱯᱨᱮᱰᱥᱤᱴ ᱞᱮᱠᱟ (CSV) ᱦᱚᱸ ᱰᱟᱣᱱᱞᱳᱰ ᱫᱟᱲᱮᱭᱟᱜᱼᱟᱢ᱾
