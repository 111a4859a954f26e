## The principal's dashboard
dash-title = तुंदियां सैह्मतियां
dash-nav-label = तुंदा डैशबोर्ड
dash-nav-consents = सैह्मतियां
dash-nav-inbox = सनेहे
dash-nav-cases = शकैतां ते अर्जियां
dash-sign-out = साइन आउट करो
dash-back = पिच्छें

## Signing in
dash-signin-title = अपनियां सैह्मतियां दिक्खने आस्तै साइन इन करो
dash-signin-intro = संस्था ने तुंदे आस्तै जेह्ड़ा मोबाइल नंबर जां ई-मेल पता सत्यापित कीते दा ऐ, उस पर अस इक बारी दा कोड भेजगे।
dash-contact = मोबाइल नंबर जां ई-मेल पता
dash-send-code = मिगी कोड भेजो
dash-contact-invalid = 10 अंकें दा मोबाइल नंबर जां ई-मेल पता दर्ज करो।
dash-code-title = अपना कोड दर्ज करो
dash-code-sent = जेकर { $contact } संस्था गी पता ऐ, तां छें अंकें दा कोड भेजेआ जा करदा ऐ। एह् { $minutes } मिंट तगर मान्य ऐ।
dash-code = छें अंकें दा कोड
dash-sign-in = साइन इन करो
dash-code-again = नमां कोड मंगो
dash-code-wrong = कोड गलत ऐ, मियाद मुक्की गेदी ऐ जां बरतोई चुके दा ऐ। नमां कोड मंगो।
dash-handoff-title = अपना डैशबोर्ड खोह्‌लो
dash-handoff-intro = संस्था आसेआ दित्ता गेदा साइन-इन टोकन इत्थै चपकाओ।
dash-token = साइन-इन टोकन
dash-open = खोह्‌लो
dash-signed-out-title = तुस साइन आउट होई गेदे ओ
dash-signed-out = संस्था दी वैबसाइट जां ऐप थमां अपना डैशबोर्ड फ्ही खोह्‌लो।

## Consents
dash-done = होई गेआ: { $purpose } आस्तै तुंदी चोन दर्ज होई गेई ऐ।
dash-filter = सैह्मतियां तुप्पो
dash-purpose = मकसद
dash-status = स्थिति
dash-any = कोई बी
dash-from = इस तरीक गी जां बाद च बदलियां
dash-to = इस तरीक गी जां पैह्‌ले बदलियां
dash-apply = दस्सो
dash-group-reconsent = फ्ही सैह्मति मंगी गेई
dash-group-active = सक्रिय
dash-group-expired = मियाद मुक्की
dash-group-withdrawn = वापस लैतियां
dash-group-denied = नांह् कीतियां
dash-none = इत्थै किश नेईं ऐ।
dash-notice = सूचना { $notice }, संस्करण { $version }
dash-reconsent = सूचना बदली गेई ऐ। किरपा करियै इसगी पढ़ो ते फ्ही सैह्मति देओ।
dash-data = बरतोने आह्‌ला डेटा
dash-changed = { $date } गी बदली
dash-expires = { $date } तगर मान्य
dash-reconsent-button = फ्ही सैह्मति देओ
dash-renew = नमीं करो
dash-grant = सैह्मति देओ
dash-withdraw = सैह्मति वापस लैओ
dash-history = इतिहास
dash-export-title = अपना इतिहास डाउनलोड करो
dash-export-csv = स्प्रैडशीट दे रूप च (CSV)
dash-export-record = सैह्मति रिकार्ड दे रूप च (ISO/IEC 27560, JSON-LD)
dash-export-pdf = दस्तावेज दे रूप च (PDF)
dash-pdf-title = तुंदी सैह्मति दा इतिहास
dash-pdf-made = { $date } गी बनेआ। निजी डेटा दा किश हिस्सा छपाइयै दस्सेआ गेदा ऐ।
dash-pdf-page = सफा { $page } / { $pages }
dash-consent = सैह्मति
dash-choice = चोन
dash-choice-granted = दित्ती गेई
dash-choice-denied = नांह् कीती गेई
dash-valid-until = कदूं तगर मान्य

## A consent's history
dash-history-title = इस सैह्मति दा इतिहास
dash-version = संस्करण
dash-when = कदूं
dash-event = केह् होआ
dash-by = कुन
dash-event-collected = दित्ती गेई
dash-event-updated = बदली गेई
dash-event-renewed = नमीं कीती गेई
dash-event-withdrawn = वापस लैती गेई
dash-event-expired = मियाद मुक्की
dash-by-principal = तुसें
dash-by-fiduciary = संस्था
dash-by-system = अपने आप
dash-by-other = मुलाजम जां तुंदा नामजद माह्‌नू

## Messages
dash-ack = पढ़ेआ दे तौर पर नशान लाओ
dash-read-on = { $date } गी पढ़ेआ

## Grievances and requests
dash-reference = हवाला नंबर
dash-kind = किस्म
dash-filed = दर्ज करने दी तरीक
dash-respond-by = जवाब दी आखरी तरीक
dash-kind-grievance = शकैत
dash-kind-access = मेरे डेटा दी नकल
dash-kind-correction = मेरे डेटा च सुधार
dash-kind-erasure = मेरा डेटा मटाओ
dash-kind-nomination = कुसै गी नामजद करो
dash-case-submitted = हासल होई
dash-case-acknowledged = रसीद दित्ती गेई
dash-case-in_progress = कारवाई चला करदी ऐ
dash-case-escalated = उच्च अधिकारी कश भेजी गेई
dash-case-resolved = हल होई गेई
dash-case-closed = बंद
dash-case-reopened = दुबारा खोह्ली गेई
dash-grievance-title = शकैत दर्ज करो
dash-category = श्रेणी
dash-description = केह् होआ?
dash-file = भेजो
dash-request-title = अर्जी देओ
dash-request-kind = तुस केह् मंगदे ओ?
dash-details = ब्यौरा (बैकल्पिक)
dash-correction-field = सुधार आस्तै: केह् सुधारना ऐ
dash-correction-value = सुधार आस्तै: ठीक मुल्ल
dash-nominee-name = नामजदगी आस्तै: माह्‌नू दा नां
dash-nominee-contact = नामजदगी आस्तै: उंदा मोबाइल नंबर जां ई-मेल पता
dash-access-document = अपना डेटा डाउनलोड करो (JSON)

## Errors
dash-error-not-found = तुंदे खाते च ऐसी कोई सैह्मति जां मामला नेईं ऐ।
dash-error-refused = एह् नेईं होई सकेआ। किश नेईं बदलेआ। किरपा करियै फार्म जांचो ते फ्ही कोशश करो।
dash-error-too-many = मते मते जतन। किरपा करियै किश मिंट रुको ते फ्ही कोशश करो।
dash-error-input = फार्म पढ़ेआ नेईं जाई सकेआ। किरपा करियै जांचो ते फ्ही कोशश करो।
dash-error-hand-off = एह् साइन-इन मुक्की गेदा ऐ जां मान्य नेईं ऐ। किरपा करियै संस्था दी वैबसाइट जां ऐप थमां डैशबोर्ड फ्ही खोह्‌लो।
dash-error-pdf = दस्तावेज इस बेल्लै नेईं बनी सकेआ। तुस अपना इतिहास स्प्रैडशीट दे रूप च (CSV) बी डाउनलोड करी सकदे ओ।
