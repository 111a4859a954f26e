## The principal's dashboard
dash-title = अहाँक सहमति सभ
dash-nav-label = अहाँक डैशबोर्ड
dash-nav-consents = सहमति
dash-nav-inbox = संदेश
dash-nav-cases = शिकायत आ अनुरोध
dash-sign-out = साइन आउट करू
dash-back = पाछाँ

## Signing in
dash-signin-title = अपन सहमति देखबाक लेल साइन इन करू
dash-signin-intro = संस्था अहाँक लेल जे मोबाइल नंबर वा ई-मेल पता सत्यापित कएने अछि, ओहि पर हम एक बेरक कोड पठाएब।
dash-contact = मोबाइल नंबर वा ई-मेल पता
dash-send-code = हमरा कोड पठाउ
dash-contact-invalid = 10 अंकक मोबाइल नंबर वा ई-मेल पता लिखू।
dash-code-title = अपन कोड लिखू
dash-code-sent = जँ { $contact } संस्थाकेँ ज्ञात अछि, तँ छह अंकक कोड पठाओल जा रहल अछि। ई { $minutes } मिनट धरि मान्य अछि।
dash-code = छह अंकक कोड
dash-sign-in = साइन इन करू
dash-code-again = नव कोड माँगू
dash-code-wrong = कोड गलत अछि, अवधि समाप्त भ' गेल अछि वा उपयोग भ' चुकल अछि। नव कोड माँगू।
dash-handoff-title = अपन डैशबोर्ड खोलू
dash-handoff-intro = संस्था द्वारा देल गेल साइन-इन टोकन एतय साटू।
dash-token = साइन-इन टोकन
dash-open = खोलू
dash-signed-out-title = अहाँ साइन आउट भ' गेलहुँ
dash-signed-out = संस्थाक वेबसाइट वा ऐपसँ अपन डैशबोर्ड फेरसँ खोलू।

## Consents
dash-done = भ' गेल: { $purpose } लेल अहाँक विकल्प दर्ज भ' गेल।
dash-filter = सहमति ताकू
dash-purpose = उद्देश्य
dash-status = स्थिति
dash-any = कोनो
dash-from = एहि तिथि वा ओकर बाद बदलल
dash-to = एहि तिथि वा ओकर पहिने बदलल
dash-apply = देखाउ
dash-group-reconsent = फेरसँ सहमति माँगल गेल
dash-group-active = सक्रिय
dash-group-expired = समाप्त
dash-group-withdrawn = वापस लेल गेल
dash-group-denied = अस्वीकृत
dash-none = एतय किछु नहि अछि।
dash-notice = सूचना { $notice }, संस्करण { $version }
dash-reconsent = सूचना बदलि गेल अछि। कृपया एकरा पढ़ू आ फेरसँ सहमति दिअ।
dash-data = उपयोग होमयबला डेटा
dash-changed = { $date } केँ बदलल
dash-expires = { $date } धरि मान्य
dash-reconsent-button = फेरसँ सहमति दिअ
dash-renew = नवीकरण करू
dash-grant = सहमति दिअ
dash-withdraw = सहमति वापस लिअ
dash-history = इतिहास
dash-export-title = अपन इतिहास डाउनलोड करू
dash-export-csv = स्प्रेडशीटक रूपमे (CSV)
dash-export-record = सहमति अभिलेखक रूपमे (ISO/IEC 27560, JSON-LD)
dash-export-pdf = दस्तावेजक रूपमे (PDF)
dash-pdf-title = अहाँक सहमतिक इतिहास
dash-pdf-made = { $date } केँ बनाओल गेल। व्यक्तिगत डेटा आंशिक रूपसँ नुका क' देखाओल गेल अछि।
dash-pdf-page = पृष्ठ { $page } / { $pages }
dash-consent = सहमति
dash-choice = विकल्प
dash-choice-granted = देल गेल
dash-choice-denied = अस्वीकृत
dash-valid-until = कहिया धरि मान्य

## A consent's history
dash-history-title = एहि सहमतिक इतिहास
dash-version = संस्करण
dash-when = कहिया
dash-event = की भेल
dash-by = के
dash-event-collected = देल गेल
dash-event-updated = बदलल गेल
dash-event-renewed = नवीकृत
dash-event-withdrawn = वापस लेल गेल
dash-event-expired = समाप्त भेल
dash-by-principal = अहाँ
dash-by-fiduciary = संस्था
dash-by-system = स्वतः
dash-by-other = कर्मचारी वा अहाँक नामित व्यक्ति

## Messages
dash-ack = पढ़ल चिह्नित करू
dash-read-on = { $date } केँ पढ़ल

## Grievances and requests
dash-reference = संदर्भ संख्या
dash-kind = प्रकार
dash-filed = दर्ज करबाक तिथि
dash-respond-by = उत्तरक अंतिम तिथि
dash-kind-grievance = शिकायत
dash-kind-access = हमर डेटाक प्रति
dash-kind-correction = हमर डेटामे सुधार
dash-kind-erasure = हमर डेटा मेटाउ
dash-kind-nomination = ककरो नामित करू
dash-case-submitted = प्राप्त भेल
dash-case-acknowledged = पावती देल गेल
dash-case-in_progress = कार्रवाई चलि रहल अछि
dash-case-escalated = वरिष्ठ अधिकारी लग पठाओल गेल
dash-case-resolved = समाधान भऽ गेल
dash-case-closed = बन्द
dash-case-reopened = फेर सँ खोलल गेल
dash-grievance-title = शिकायत दर्ज करू
dash-category = श्रेणी
dash-description = की भेल?
dash-file = पठाउ
dash-request-title = अनुरोध करू
dash-request-kind = अहाँ की माँगैत छी?
dash-details = विवरण (वैकल्पिक)
dash-correction-field = सुधारक लेल: की सुधारबाक अछि
dash-correction-value = सुधारक लेल: सही मान
dash-nominee-name = नामांकनक लेल: व्यक्तिक नाम
dash-nominee-contact = नामांकनक लेल: हुनक मोबाइल नंबर वा ई-मेल पता
dash-access-document = अपन डेटा डाउनलोड करू (JSON)

## Errors
dash-error-not-found = अहाँक खातामे एहन कोनो सहमति वा मामला नहि अछि।
dash-error-refused = ई नहि भ' सकल। किछु नहि बदलल। कृपया फॉर्म जाँचू आ फेरसँ प्रयास करू।
dash-error-too-many = बहुत बेसी प्रयास। कृपया किछु मिनट रुकू आ फेरसँ प्रयास करू।
dash-error-input = फॉर्म पढ़ल नहि जा सकल। कृपया जाँचू आ फेरसँ प्रयास करू।
dash-error-hand-off = ई साइन-इन समाप्त भ' गेल अछि वा मान्य नहि अछि। कृपया संस्थाक वेबसाइट वा ऐपसँ डैशबोर्ड फेरसँ खोलू।
dash-error-pdf = दस्तावेज एखन नहि बनाओल जा सकल। अहाँ अपन इतिहास स्प्रेडशीटक रूपमे (CSV) सेहो डाउनलोड क' सकैत छी।
