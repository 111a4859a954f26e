## The principal's dashboard
dash-title = ನಿಮ್ಮ ಸಮ್ಮತಿಗಳು
dash-nav-label = ನಿಮ್ಮ ಡ್ಯಾಶ್‌ಬೋರ್ಡ್
dash-nav-consents = ಸಮ್ಮತಿಗಳು
dash-nav-inbox = ಸಂದೇಶಗಳು
dash-nav-cases = ದೂರುಗಳು ಮತ್ತು ವಿನಂತಿಗಳು
dash-sign-out = ಸೈನ್ ಔಟ್ ಮಾಡಿ
dash-back = ಹಿಂದಕ್ಕೆ

## Signing in
dash-signin-title = ನಿಮ್ಮ ಸಮ್ಮತಿಗಳನ್ನು ನೋಡಲು ಸೈನ್ ಇನ್ ಮಾಡಿ
dash-signin-intro = ಸಂಸ್ಥೆ ನಿಮಗಾಗಿ ಪರಿಶೀಲಿಸಿದ ಮೊಬೈಲ್ ಸಂಖ್ಯೆ ಅಥವಾ ಇ-ಮೇಲ್ ವಿಳಾಸಕ್ಕೆ ನಾವು ಒಂದು ಬಾರಿಯ ಕೋಡ್ ಕಳುಹಿಸುತ್ತೇವೆ.
dash-contact = ಮೊಬೈಲ್ ಸಂಖ್ಯೆ ಅಥವಾ ಇ-ಮೇಲ್ ವಿಳಾಸ
dash-send-code = ನನಗೆ ಕೋಡ್ ಕಳುಹಿಸಿ
dash-contact-invalid = 10 ಅಂಕಿಯ ಮೊಬೈಲ್ ಸಂಖ್ಯೆ ಅಥವಾ ಇ-ಮೇಲ್ ವಿಳಾಸ ನಮೂದಿಸಿ.
dash-code-title = ನಿಮ್ಮ ಕೋಡ್ ನಮೂದಿಸಿ
dash-code-sent = { $contact } ಸಂಸ್ಥೆಗೆ ತಿಳಿದಿದ್ದರೆ, ಆರು ಅಂಕಿಯ ಕೋಡ್ ಕಳುಹಿಸಲಾಗುತ್ತಿದೆ. ಅದು { $minutes } ನಿಮಿಷಗಳವರೆಗೆ ಮಾನ್ಯ.
dash-code = ಆರು ಅಂಕಿಯ ಕೋಡ್
dash-sign-in = ಸೈನ್ ಇನ್ ಮಾಡಿ
dash-code-again = ಹೊಸ ಕೋಡ್ ಕೇಳಿ
dash-code-wrong = ಕೋಡ್ ತಪ್ಪಾಗಿದೆ, ಅವಧಿ ಮೀರಿದೆ ಅಥವಾ ಈಗಾಗಲೇ ಬಳಸಲಾಗಿದೆ. ಹೊಸದನ್ನು ಕೇಳಿ.
dash-handoff-title = ನಿಮ್ಮ ಡ್ಯಾಶ್‌ಬೋರ್ಡ್ ತೆರೆಯಿರಿ
dash-handoff-intro = ಸಂಸ್ಥೆ ನಿಮಗೆ ನೀಡಿದ ಸೈನ್-ಇನ್ ಟೋಕನ್ ಅನ್ನು ಇಲ್ಲಿ ಅಂಟಿಸಿ.
dash-token = ಸೈನ್-ಇನ್ ಟೋಕನ್
dash-open = ತೆರೆಯಿರಿ
dash-signed-out-title = ನೀವು ಸೈನ್ ಔಟ್ ಆಗಿದ್ದೀರಿ
dash-signed-out = ಸಂಸ್ಥೆಯ ವೆಬ್‌ಸೈಟ್ ಅಥವಾ ಆ್ಯಪ್‌ನಿಂದ ನಿಮ್ಮ ಡ್ಯಾಶ್‌ಬೋರ್ಡ್ ಅನ್ನು ಮತ್ತೆ ತೆರೆಯಿರಿ.

## Consents
dash-done = ಆಯಿತು: { $purpose } ಗಾಗಿ ನಿಮ್ಮ ಆಯ್ಕೆ ದಾಖಲಾಗಿದೆ.
dash-filter = ಸಮ್ಮತಿಗಳನ್ನು ಹುಡುಕಿ
dash-purpose = ಉದ್ದೇಶ
dash-status = ಸ್ಥಿತಿ
dash-any = ಯಾವುದಾದರೂ
dash-from = ಈ ದಿನಾಂಕದಂದು ಅಥವಾ ನಂತರ ಬದಲಾದವು
dash-to = ಈ ದಿನಾಂಕದಂದು ಅಥವಾ ಮೊದಲು ಬದಲಾದವು
dash-apply = ತೋರಿಸಿ
dash-group-reconsent = ಮತ್ತೆ ಸಮ್ಮತಿ ಕೇಳಲಾಗಿದೆ
dash-group-active = ಸಕ್ರಿಯ
dash-group-expired = ಅವಧಿ ಮೀರಿದವು
dash-group-withdrawn = ಹಿಂಪಡೆದವು
dash-group-denied = ನಿರಾಕರಿಸಿದವು
dash-none = ಇಲ್ಲಿ ಏನೂ ಇಲ್ಲ.
dash-notice = ಸೂಚನೆ { $notice }, ಆವೃತ್ತಿ { $version }
dash-reconsent = ಸೂಚನೆ ಬದಲಾಗಿದೆ. ದಯವಿಟ್ಟು ಅದನ್ನು ಓದಿ ಮತ್ತೆ ಸಮ್ಮತಿ ನೀಡಿ.
dash-data = ಬಳಸುವ ದತ್ತಾಂಶ
dash-changed = { $date } ರಂದು ಬದಲಾಗಿದೆ
dash-expires = { $date } ವರೆಗೆ ಮಾನ್ಯ
dash-reconsent-button = ಮತ್ತೆ ಸಮ್ಮತಿ ನೀಡಿ
dash-renew = ನವೀಕರಿಸಿ
dash-grant = ಸಮ್ಮತಿ ನೀಡಿ
dash-withdraw = ಸಮ್ಮತಿ ಹಿಂಪಡೆಯಿರಿ
dash-history = ಇತಿಹಾಸ
dash-export-title = ನಿಮ್ಮ ಇತಿಹಾಸವನ್ನು ಡೌನ್‌ಲೋಡ್ ಮಾಡಿ
dash-export-csv = ಸ್ಪ್ರೆಡ್‌ಶೀಟ್ ಆಗಿ (CSV)
dash-export-record = ಸಮ್ಮತಿ ದಾಖಲೆಯಾಗಿ (ISO/IEC 27560, JSON-LD)
dash-export-pdf = ಡಾಕ್ಯುಮೆಂಟ್ ಆಗಿ (PDF)
dash-pdf-title = ನಿಮ್ಮ ಸಮ್ಮತಿಗಳ ಇತಿಹಾಸ
dash-pdf-made = { $date } ರಂದು ತಯಾರಿಸಲಾಗಿದೆ. ವೈಯಕ್ತಿಕ ದತ್ತಾಂಶವನ್ನು ಭಾಗಶಃ ಮರೆಮಾಡಿ ತೋರಿಸಲಾಗಿದೆ.
dash-pdf-page = { $pages } ಪುಟಗಳಲ್ಲಿ ಪುಟ { $page }
dash-consent = ಸಮ್ಮತಿ
dash-choice = ಆಯ್ಕೆ
dash-choice-granted = ನೀಡಲಾಗಿದೆ
dash-choice-denied = ನಿರಾಕರಿಸಲಾಗಿದೆ
dash-valid-until = ಎಲ್ಲಿಯವರೆಗೆ ಮಾನ್ಯ

## A consent's history
dash-history-title = ಈ ಸಮ್ಮತಿಯ ಇತಿಹಾಸ
dash-version = ಆವೃತ್ತಿ
dash-when = ಯಾವಾಗ
dash-event = ಏನಾಯಿತು
dash-by = ಯಾರು
dash-event-collected = ನೀಡಲಾಗಿದೆ
dash-event-updated = ಬದಲಾಗಿದೆ
dash-event-renewed = ನವೀಕರಿಸಲಾಗಿದೆ
dash-event-withdrawn = ಹಿಂಪಡೆಯಲಾಗಿದೆ
dash-event-expired = ಅವಧಿ ಮೀರಿದೆ
dash-by-principal = ನೀವು
dash-by-fiduciary = ಸಂಸ್ಥೆ
dash-by-system = ಸ್ವಯಂಚಾಲಿತವಾಗಿ
dash-by-other = ಸಿಬ್ಬಂದಿ ಅಥವಾ ನಿಮ್ಮ ನಾಮನಿರ್ದೇಶಿತರು

## Messages
dash-ack = ಓದಲಾಗಿದೆ ಎಂದು ಗುರುತಿಸಿ
dash-read-on = { $date } ರಂದು ಓದಲಾಗಿದೆ

## Grievances and requests
dash-reference = ಉಲ್ಲೇಖ ಸಂಖ್ಯೆ
dash-kind = ಪ್ರಕಾರ
dash-filed = ಸಲ್ಲಿಸಿದ ದಿನಾಂಕ
dash-respond-by = ಉತ್ತರದ ಕೊನೆಯ ದಿನಾಂಕ
dash-kind-grievance = ದೂರು
dash-kind-access = ನನ್ನ ದತ್ತಾಂಶದ ಪ್ರತಿ
dash-kind-correction = ನನ್ನ ದತ್ತಾಂಶ ತಿದ್ದುಪಡಿ
dash-kind-erasure = ನನ್ನ ದತ್ತಾಂಶ ಅಳಿಸಿ
dash-kind-nomination = ಯಾರನ್ನಾದರೂ ನಾಮನಿರ್ದೇಶಿಸಿ
dash-case-submitted = ಸ್ವೀಕರಿಸಲಾಗಿದೆ
dash-case-acknowledged = ಸ್ವೀಕೃತಿ ನೀಡಲಾಗಿದೆ
dash-case-in_progress = ಕ್ರಮ ನಡೆಯುತ್ತಿದೆ
dash-case-escalated = ಹಿರಿಯ ಅಧಿಕಾರಿಗೆ ಕಳುಹಿಸಲಾಗಿದೆ
dash-case-resolved = ಪರಿಹರಿಸಲಾಗಿದೆ
dash-case-closed = ಮುಕ್ತಾಯಗೊಳಿಸಲಾಗಿದೆ
dash-case-reopened = ಮತ್ತೆ ತೆರೆಯಲಾಗಿದೆ
dash-grievance-title = ದೂರು ಸಲ್ಲಿಸಿ
dash-category = ವರ್ಗ
dash-description = ಏನಾಯಿತು?
dash-file = ಕಳುಹಿಸಿ
dash-request-title = ವಿನಂತಿ ಮಾಡಿ
dash-request-kind = ನೀವು ಏನು ಕೇಳುತ್ತೀರಿ?
dash-details = ವಿವರಗಳು (ಐಚ್ಛಿಕ)
dash-correction-field = ತಿದ್ದುಪಡಿಗಾಗಿ: ಏನನ್ನು ತಿದ್ದಬೇಕು
dash-correction-value = ತಿದ್ದುಪಡಿಗಾಗಿ: ಸರಿಯಾದ ಮೌಲ್ಯ
dash-nominee-name = ನಾಮನಿರ್ದೇಶನಕ್ಕಾಗಿ: ವ್ಯಕ್ತಿಯ ಹೆಸರು
dash-nominee-contact = ನಾಮನಿರ್ದೇಶನಕ್ಕಾಗಿ: ಅವರ ಮೊಬೈಲ್ ಸಂಖ್ಯೆ ಅಥವಾ ಇ-ಮೇಲ್ ವಿಳಾಸ
dash-access-document = ನಿಮ್ಮ ದತ್ತಾಂಶವನ್ನು ಡೌನ್‌ಲೋಡ್ ಮಾಡಿ (JSON)

## Errors
dash-error-not-found = ನಿಮ್ಮ ಖಾತೆಯಲ್ಲಿ ಅಂತಹ ಸಮ್ಮತಿ ಅಥವಾ ಪ್ರಕರಣ ಇಲ್ಲ.
dash-error-refused = ಇದನ್ನು ಮಾಡಲಾಗಲಿಲ್ಲ. ಏನೂ ಬದಲಾಗಿಲ್ಲ. ದಯವಿಟ್ಟು ನಮೂನೆ ಪರಿಶೀಲಿಸಿ ಮತ್ತೆ ಪ್ರಯತ್ನಿಸಿ.
dash-error-too-many = ಹಲವು ಪ್ರಯತ್ನಗಳು. ದಯವಿಟ್ಟು ಕೆಲವು ನಿಮಿಷ ಕಾಯ್ದು ಮತ್ತೆ ಪ್ರಯತ್ನಿಸಿ.
dash-error-input = ನಮೂನೆಯನ್ನು ಓದಲಾಗಲಿಲ್ಲ. ದಯವಿಟ್ಟು ಪರಿಶೀಲಿಸಿ ಮತ್ತೆ ಪ್ರಯತ್ನಿಸಿ.
dash-error-hand-off = ಈ ಸೈನ್-ಇನ್ ಅವಧಿ ಮೀರಿದೆ ಅಥವಾ ಮಾನ್ಯವಲ್ಲ. ದಯವಿಟ್ಟು ಸಂಸ್ಥೆಯ ವೆಬ್‌ಸೈಟ್ ಅಥವಾ ಆ್ಯಪ್‌ನಿಂದ ಡ್ಯಾಶ್‌ಬೋರ್ಡ್ ಅನ್ನು ಮತ್ತೆ ತೆರೆಯಿರಿ.
dash-error-pdf = ಡಾಕ್ಯುಮೆಂಟ್ ಅನ್ನು ಈಗ ತಯಾರಿಸಲಾಗಲಿಲ್ಲ. ನಿಮ್ಮ ಇತಿಹಾಸವನ್ನು ಸ್ಪ್ರೆಡ್‌ಶೀಟ್ ಆಗಿಯೂ (CSV) ಡೌನ್‌ಲೋಡ್ ಮಾಡಬಹುದು.
