## The principal's dashboard
dash-title = તમારી સંમતિઓ
dash-nav-label = તમારું ડેશબોર્ડ
dash-nav-consents = સંમતિઓ
dash-nav-inbox = સંદેશા
dash-nav-cases = ફરિયાદો અને વિનંતીઓ
dash-sign-out = સાઇન આઉટ કરો
dash-back = પાછા

## Signing in
dash-signin-title = તમારી સંમતિઓ જોવા સાઇન ઇન કરો
dash-signin-intro = સંસ્થાએ તમારા માટે ચકાસેલા મોબાઇલ નંબર અથવા ઈ-મેલ સરનામે અમે એક વખતનો કોડ મોકલીશું.
dash-contact = મોબાઇલ નંબર અથવા ઈ-મેલ સરનામું
dash-send-code = મને કોડ મોકલો
dash-contact-invalid = 10 અંકનો મોબાઇલ નંબર અથવા ઈ-મેલ સરનામું દાખલ કરો.
dash-code-title = તમારો કોડ દાખલ કરો
dash-code-sent = જો { $contact } સંસ્થાને જાણીતું હોય, તો છ અંકનો કોડ મોકલાઈ રહ્યો છે. તે { $minutes } મિનિટ માટે માન્ય છે.
dash-code = છ અંકનો કોડ
dash-sign-in = સાઇન ઇન કરો
dash-code-again = નવો કોડ માગો
dash-code-wrong = કોડ ખોટો છે, સમયસીમા પૂરી થઈ છે અથવા વપરાઈ ગયો છે. નવો કોડ માગો.
dash-handoff-title = તમારું ડેશબોર્ડ ખોલો
dash-handoff-intro = સંસ્થાએ તમને આપેલું સાઇન-ઇન ટોકન અહીં પેસ્ટ કરો.
dash-token = સાઇન-ઇન ટોકન
dash-open = ખોલો
dash-signed-out-title = તમે સાઇન આઉટ થયા છો
dash-signed-out = સંસ્થાની વેબસાઇટ અથવા ઍપમાંથી તમારું ડેશબોર્ડ ફરી ખોલો.

## Consents
dash-done = થઈ ગયું: { $purpose } માટે તમારી પસંદગી નોંધાઈ ગઈ છે.
dash-filter = સંમતિઓ શોધો
dash-purpose = હેતુ
dash-status = સ્થિતિ
dash-any = કોઈ પણ
dash-from = આ તારીખે અથવા પછી બદલાયેલી
dash-to = આ તારીખે અથવા પહેલાં બદલાયેલી
dash-apply = બતાવો
dash-group-reconsent = ફરી સંમતિ માગવામાં આવી
dash-group-active = સક્રિય
dash-group-expired = સમયસીમા પૂરી
dash-group-withdrawn = પાછી ખેંચેલી
dash-group-denied = નકારેલી
dash-none = અહીં કંઈ નથી.
dash-notice = સૂચના { $notice }, આવૃત્તિ { $version }
dash-reconsent = સૂચના બદલાઈ છે. કૃપા કરીને તે વાંચો અને ફરી સંમતિ આપો.
dash-data = વપરાતો ડેટા
dash-changed = { $date } ના રોજ બદલાઈ
dash-expires = { $date } સુધી માન્ય
dash-reconsent-button = ફરી સંમતિ આપો
dash-renew = નવીકરણ કરો
dash-grant = સંમતિ આપો
dash-withdraw = સંમતિ પાછી ખેંચો
dash-history = ઇતિહાસ
dash-export-title = તમારો ઇતિહાસ ડાઉનલોડ કરો
dash-export-csv = સ્પ્રેડશીટ તરીકે (CSV)
dash-export-record = સંમતિ રેકોર્ડ તરીકે (ISO/IEC 27560, JSON-LD)
dash-export-pdf = દસ્તાવેજ તરીકે (PDF)
dash-pdf-title = તમારી સંમતિઓનો ઇતિહાસ
dash-pdf-made = { $date } ના રોજ બનાવ્યો. વ્યક્તિગત ડેટા અંશતઃ છુપાવીને બતાવ્યો છે.
dash-pdf-page = { $pages } માંથી પૃષ્ઠ { $page }
dash-consent = સંમતિ
dash-choice = પસંદગી
dash-choice-granted = આપી
dash-choice-denied = નકારી
dash-valid-until = ક્યાં સુધી માન્ય

## A consent's history
dash-history-title = આ સંમતિનો ઇતિહાસ
dash-version = આવૃત્તિ
dash-when = ક્યારે
dash-event = શું થયું
dash-by = કોણે
dash-event-collected = આપી
dash-event-updated = બદલાઈ
dash-event-renewed = નવીકરણ થયું
dash-event-withdrawn = પાછી ખેંચાઈ
dash-event-expired = સમયસીમા પૂરી થઈ
dash-by-principal = તમે
dash-by-fiduciary = સંસ્થા
dash-by-system = આપમેળે
dash-by-other = કર્મચારી અથવા તમારા નામાંકિત

## Messages
dash-ack = વાંચેલું તરીકે ચિહ્નિત કરો
dash-read-on = { $date } ના રોજ વાંચ્યું

## Grievances and requests
dash-reference = સંદર્ભ નંબર
dash-kind = પ્રકાર
dash-filed = દાખલ કર્યાની તારીખ
dash-respond-by = જવાબની અંતિમ તારીખ
dash-kind-grievance = ફરિયાદ
dash-kind-access = મારા ડેટાની નકલ
dash-kind-correction = મારા ડેટામાં સુધારો
dash-kind-erasure = મારો ડેટા ભૂંસી નાખો
dash-kind-nomination = કોઈને નામાંકિત કરો
dash-case-submitted = મળી ગઈ
dash-case-acknowledged = પહોંચ આપી
dash-case-in_progress = કાર્યવાહી ચાલુ છે
dash-case-escalated = વરિષ્ઠ અધિકારીને મોકલી
dash-case-resolved = નિરાકરણ થયું
dash-case-closed = બંધ
dash-case-reopened = ફરી ખોલી
dash-grievance-title = ફરિયાદ દાખલ કરો
dash-category = શ્રેણી
dash-description = શું થયું?
dash-file = મોકલો
dash-request-title = વિનંતી કરો
dash-request-kind = તમે શું માગો છો?
dash-details = વિગતો (વૈકલ્પિક)
dash-correction-field = સુધારા માટે: શું સુધારવું
dash-correction-value = સુધારા માટે: સાચું મૂલ્ય
dash-nominee-name = નામાંકન માટે: વ્યક્તિનું નામ
dash-nominee-contact = નામાંકન માટે: તેમનો મોબાઇલ નંબર અથવા ઈ-મેલ સરનામું
dash-access-document = તમારો ડેટા ડાઉનલોડ કરો (JSON)

## Errors
dash-error-not-found = તમારા ખાતામાં આવી કોઈ સંમતિ કે કેસ નથી.
dash-error-refused = આ થઈ શક્યું નહીં. કંઈ બદલાયું નથી. કૃપા કરીને ફોર્મ તપાસો અને ફરી પ્રયાસ કરો.
dash-error-too-many = ઘણા બધા પ્રયાસો. કૃપા કરીને થોડી મિનિટ રાહ જુઓ અને ફરી પ્રયાસ કરો.
dash-error-input = ફોર્મ વાંચી શકાયું નહીં. કૃપા કરીને તપાસો અને ફરી પ્રયાસ કરો.
dash-error-hand-off = આ સાઇન-ઇનની સમયસીમા પૂરી થઈ છે અથવા તે માન્ય નથી. કૃપા કરીને સંસ્થાની વેબસાઇટ અથવા ઍપમાંથી ડેશબોર્ડ ફરી ખોલો.
dash-error-pdf = દસ્તાવેજ અત્યારે બનાવી શકાયો નહીં. તમે તમારો ઇતિહાસ સ્પ્રેડશીટ તરીકે (CSV) પણ ડાઉનલોડ કરી શકો છો.
