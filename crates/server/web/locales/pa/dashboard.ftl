## The principal's dashboard
dash-title = ਤੁਹਾਡੀਆਂ ਸਹਿਮਤੀਆਂ
dash-nav-label = ਤੁਹਾਡਾ ਡੈਸ਼ਬੋਰਡ
dash-nav-consents = ਸਹਿਮਤੀਆਂ
dash-nav-inbox = ਸੁਨੇਹੇ
dash-nav-cases = ਸ਼ਿਕਾਇਤਾਂ ਅਤੇ ਬੇਨਤੀਆਂ
dash-sign-out = ਸਾਈਨ ਆਊਟ ਕਰੋ
dash-back = ਵਾਪਸ

## Signing in
dash-signin-title = ਆਪਣੀਆਂ ਸਹਿਮਤੀਆਂ ਦੇਖਣ ਲਈ ਸਾਈਨ ਇਨ ਕਰੋ
dash-signin-intro = ਸੰਸਥਾ ਵੱਲੋਂ ਤੁਹਾਡੇ ਲਈ ਪ੍ਰਮਾਣਿਤ ਮੋਬਾਈਲ ਨੰਬਰ ਜਾਂ ਈ-ਮੇਲ ਪਤੇ 'ਤੇ ਅਸੀਂ ਇੱਕ ਵਾਰ ਦਾ ਕੋਡ ਭੇਜਾਂਗੇ।
dash-contact = ਮੋਬਾਈਲ ਨੰਬਰ ਜਾਂ ਈ-ਮੇਲ ਪਤਾ
dash-send-code = ਮੈਨੂੰ ਕੋਡ ਭੇਜੋ
dash-contact-invalid = 10 ਅੰਕਾਂ ਦਾ ਮੋਬਾਈਲ ਨੰਬਰ ਜਾਂ ਈ-ਮੇਲ ਪਤਾ ਦਰਜ ਕਰੋ।
dash-code-title = ਆਪਣਾ ਕੋਡ ਦਰਜ ਕਰੋ
dash-code-sent = ਜੇ { $contact } ਸੰਸਥਾ ਨੂੰ ਪਤਾ ਹੈ, ਤਾਂ ਛੇ ਅੰਕਾਂ ਦਾ ਕੋਡ ਭੇਜਿਆ ਜਾ ਰਿਹਾ ਹੈ। ਇਹ { $minutes } ਮਿੰਟ ਲਈ ਵੈਧ ਹੈ।
dash-code = ਛੇ ਅੰਕਾਂ ਦਾ ਕੋਡ
dash-sign-in = ਸਾਈਨ ਇਨ ਕਰੋ
dash-code-again = ਨਵਾਂ ਕੋਡ ਮੰਗੋ
dash-code-wrong = ਕੋਡ ਗਲਤ ਹੈ, ਮਿਆਦ ਪੁੱਗ ਗਈ ਹੈ ਜਾਂ ਵਰਤਿਆ ਜਾ ਚੁੱਕਾ ਹੈ। ਨਵਾਂ ਕੋਡ ਮੰਗੋ।
dash-handoff-title = ਆਪਣਾ ਡੈਸ਼ਬੋਰਡ ਖੋਲ੍ਹੋ
dash-handoff-intro = ਸੰਸਥਾ ਵੱਲੋਂ ਦਿੱਤਾ ਸਾਈਨ-ਇਨ ਟੋਕਨ ਇੱਥੇ ਚਿਪਕਾਓ।
dash-token = ਸਾਈਨ-ਇਨ ਟੋਕਨ
dash-open = ਖੋਲ੍ਹੋ
dash-signed-out-title = ਤੁਸੀਂ ਸਾਈਨ ਆਊਟ ਹੋ ਗਏ ਹੋ
dash-signed-out = ਸੰਸਥਾ ਦੀ ਵੈੱਬਸਾਈਟ ਜਾਂ ਐਪ ਤੋਂ ਆਪਣਾ ਡੈਸ਼ਬੋਰਡ ਦੁਬਾਰਾ ਖੋਲ੍ਹੋ।

## Consents
dash-done = ਹੋ ਗਿਆ: { $purpose } ਲਈ ਤੁਹਾਡੀ ਚੋਣ ਦਰਜ ਕਰ ਲਈ ਗਈ ਹੈ।
dash-filter = ਸਹਿਮਤੀਆਂ ਲੱਭੋ
dash-purpose = ਮਕਸਦ
dash-status = ਸਥਿਤੀ
dash-any = ਕੋਈ ਵੀ
dash-from = ਇਸ ਤਾਰੀਖ਼ ਨੂੰ ਜਾਂ ਬਾਅਦ ਬਦਲੀਆਂ
dash-to = ਇਸ ਤਾਰੀਖ਼ ਨੂੰ ਜਾਂ ਪਹਿਲਾਂ ਬਦਲੀਆਂ
dash-apply = ਦਿਖਾਓ
dash-group-reconsent = ਦੁਬਾਰਾ ਸਹਿਮਤੀ ਮੰਗੀ ਗਈ
dash-group-active = ਸਰਗਰਮ
dash-group-expired = ਮਿਆਦ ਪੁੱਗੀ
dash-group-withdrawn = ਵਾਪਸ ਲਈਆਂ
dash-group-denied = ਇਨਕਾਰ ਕੀਤੀਆਂ
dash-none = ਇੱਥੇ ਕੁਝ ਨਹੀਂ ਹੈ।
dash-notice = ਨੋਟਿਸ { $notice }, ਸੰਸਕਰਣ { $version }
dash-reconsent = ਨੋਟਿਸ ਬਦਲ ਗਿਆ ਹੈ। ਕਿਰਪਾ ਕਰਕੇ ਇਸਨੂੰ ਪੜ੍ਹੋ ਅਤੇ ਦੁਬਾਰਾ ਸਹਿਮਤੀ ਦਿਓ।
dash-data = ਵਰਤਿਆ ਜਾਣ ਵਾਲਾ ਡਾਟਾ
dash-changed = { $date } ਨੂੰ ਬਦਲੀ
dash-expires = { $date } ਤੱਕ ਵੈਧ
dash-reconsent-button = ਦੁਬਾਰਾ ਸਹਿਮਤੀ ਦਿਓ
dash-renew = ਨਵਿਆਓ
dash-grant = ਸਹਿਮਤੀ ਦਿਓ
dash-withdraw = ਸਹਿਮਤੀ ਵਾਪਸ ਲਓ
dash-history = ਇਤਿਹਾਸ
dash-export-title = ਆਪਣਾ ਇਤਿਹਾਸ ਡਾਊਨਲੋਡ ਕਰੋ
dash-export-csv = ਸਪ੍ਰੈਡਸ਼ੀਟ ਵਜੋਂ (CSV)
dash-export-record = ਸਹਿਮਤੀ ਰਿਕਾਰਡ ਵਜੋਂ (ISO/IEC 27560, JSON-LD)
dash-export-pdf = ਦਸਤਾਵੇਜ਼ ਵਜੋਂ (PDF)
dash-pdf-title = ਤੁਹਾਡੀ ਸਹਿਮਤੀ ਦਾ ਇਤਿਹਾਸ
dash-pdf-made = { $date } ਨੂੰ ਬਣਾਇਆ ਗਿਆ। ਨਿੱਜੀ ਡਾਟਾ ਅੰਸ਼ਕ ਰੂਪ ਵਿੱਚ ਲੁਕਾ ਕੇ ਵਿਖਾਇਆ ਗਿਆ ਹੈ।
dash-pdf-page = { $pages } ਵਿੱਚੋਂ ਪੰਨਾ { $page }
dash-consent = ਸਹਿਮਤੀ
dash-choice = ਚੋਣ
dash-choice-granted = ਦਿੱਤੀ
dash-choice-denied = ਇਨਕਾਰ ਕੀਤੀ
dash-valid-until = ਕਦੋਂ ਤੱਕ ਵੈਧ

## A consent's history
dash-history-title = ਇਸ ਸਹਿਮਤੀ ਦਾ ਇਤਿਹਾਸ
dash-version = ਸੰਸਕਰਣ
dash-when = ਕਦੋਂ
dash-event = ਕੀ ਹੋਇਆ
dash-by = ਕਿਸ ਨੇ
dash-event-collected = ਦਿੱਤੀ
dash-event-updated = ਬਦਲੀ
dash-event-renewed = ਨਵਿਆਈ
dash-event-withdrawn = ਵਾਪਸ ਲਈ
dash-event-expired = ਮਿਆਦ ਪੁੱਗੀ
dash-by-principal = ਤੁਸੀਂ
dash-by-fiduciary = ਸੰਸਥਾ
dash-by-system = ਆਪਣੇ-ਆਪ
dash-by-other = ਸਟਾਫ਼ ਜਾਂ ਤੁਹਾਡਾ ਨਾਮਜ਼ਦ ਵਿਅਕਤੀ

## Messages
dash-ack = ਪੜ੍ਹਿਆ ਵਜੋਂ ਨਿਸ਼ਾਨ ਲਾਓ
dash-read-on = { $date } ਨੂੰ ਪੜ੍ਹਿਆ

## Grievances and requests
dash-reference = ਹਵਾਲਾ ਨੰਬਰ
dash-kind = ਕਿਸਮ
dash-filed = ਦਰਜ ਕਰਨ ਦੀ ਤਾਰੀਖ਼
dash-respond-by = ਜਵਾਬ ਦੀ ਆਖ਼ਰੀ ਤਾਰੀਖ਼
dash-kind-grievance = ਸ਼ਿਕਾਇਤ
dash-kind-access = ਮੇਰੇ ਡਾਟੇ ਦੀ ਕਾਪੀ
dash-kind-correction = ਮੇਰੇ ਡਾਟੇ ਵਿੱਚ ਸੁਧਾਰ
dash-kind-erasure = ਮੇਰਾ ਡਾਟਾ ਮਿਟਾਓ
dash-kind-nomination = ਕਿਸੇ ਨੂੰ ਨਾਮਜ਼ਦ ਕਰੋ
dash-case-submitted = ਪ੍ਰਾਪਤ ਹੋਈ
dash-case-acknowledged = ਪਹੁੰਚ ਦਿੱਤੀ ਗਈ
dash-case-in_progress = ਕਾਰਵਾਈ ਜਾਰੀ ਹੈ
dash-case-escalated = ਉੱਚ ਅਧਿਕਾਰੀ ਕੋਲ ਭੇਜੀ ਗਈ
dash-case-resolved = ਹੱਲ ਹੋ ਗਿਆ
dash-case-closed = ਬੰਦ
dash-case-reopened = ਦੁਬਾਰਾ ਖੋਲ੍ਹੀ ਗਈ
dash-grievance-title = ਸ਼ਿਕਾਇਤ ਦਰਜ ਕਰੋ
dash-category = ਸ਼੍ਰੇਣੀ
dash-description = ਕੀ ਹੋਇਆ?
dash-file = ਭੇਜੋ
dash-request-title = ਬੇਨਤੀ ਕਰੋ
dash-request-kind = ਤੁਸੀਂ ਕੀ ਮੰਗਦੇ ਹੋ?
dash-details = ਵੇਰਵੇ (ਵਿਕਲਪਿਕ)
dash-correction-field = ਸੁਧਾਰ ਲਈ: ਕੀ ਸੁਧਾਰਨਾ ਹੈ
dash-correction-value = ਸੁਧਾਰ ਲਈ: ਸਹੀ ਮੁੱਲ
dash-nominee-name = ਨਾਮਜ਼ਦਗੀ ਲਈ: ਵਿਅਕਤੀ ਦਾ ਨਾਮ
dash-nominee-contact = ਨਾਮਜ਼ਦਗੀ ਲਈ: ਉਨ੍ਹਾਂ ਦਾ ਮੋਬਾਈਲ ਨੰਬਰ ਜਾਂ ਈ-ਮੇਲ ਪਤਾ
dash-access-document = ਆਪਣਾ ਡਾਟਾ ਡਾਊਨਲੋਡ ਕਰੋ (JSON)

## Errors
dash-error-not-found = ਤੁਹਾਡੇ ਖਾਤੇ ਵਿੱਚ ਅਜਿਹੀ ਕੋਈ ਸਹਿਮਤੀ ਜਾਂ ਮਾਮਲਾ ਨਹੀਂ ਹੈ।
dash-error-refused = ਇਹ ਨਹੀਂ ਹੋ ਸਕਿਆ। ਕੁਝ ਨਹੀਂ ਬਦਲਿਆ। ਕਿਰਪਾ ਕਰਕੇ ਫ਼ਾਰਮ ਜਾਂਚੋ ਅਤੇ ਦੁਬਾਰਾ ਕੋਸ਼ਿਸ਼ ਕਰੋ।
dash-error-too-many = ਬਹੁਤ ਜ਼ਿਆਦਾ ਕੋਸ਼ਿਸ਼ਾਂ। ਕਿਰਪਾ ਕਰਕੇ ਕੁਝ ਮਿੰਟ ਉਡੀਕ ਕਰੋ ਅਤੇ ਦੁਬਾਰਾ ਕੋਸ਼ਿਸ਼ ਕਰੋ।
dash-error-input = ਫ਼ਾਰਮ ਪੜ੍ਹਿਆ ਨਹੀਂ ਜਾ ਸਕਿਆ। ਕਿਰਪਾ ਕਰਕੇ ਜਾਂਚੋ ਅਤੇ ਦੁਬਾਰਾ ਕੋਸ਼ਿਸ਼ ਕਰੋ।
dash-error-hand-off = ਇਹ ਸਾਈਨ-ਇਨ ਮਿਆਦ ਪੁੱਗ ਗਿਆ ਹੈ ਜਾਂ ਵੈਧ ਨਹੀਂ ਹੈ। ਕਿਰਪਾ ਕਰਕੇ ਸੰਸਥਾ ਦੀ ਵੈੱਬਸਾਈਟ ਜਾਂ ਐਪ ਤੋਂ ਡੈਸ਼ਬੋਰਡ ਦੁਬਾਰਾ ਖੋਲ੍ਹੋ।
dash-error-pdf = ਦਸਤਾਵੇਜ਼ ਇਸ ਵੇਲੇ ਨਹੀਂ ਬਣਾਇਆ ਜਾ ਸਕਿਆ। ਤੁਸੀਂ ਆਪਣਾ ਇਤਿਹਾਸ ਸਪ੍ਰੈਡਸ਼ੀਟ ਵਜੋਂ (CSV) ਵੀ ਡਾਊਨਲੋਡ ਕਰ ਸਕਦੇ ਹੋ।
