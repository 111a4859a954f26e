## The principal's dashboard
dash-title = आपकी सहमतियाँ
dash-nav-label = आपका डैशबोर्ड
dash-nav-consents = सहमतियाँ
dash-nav-inbox = संदेश
dash-nav-cases = शिकायतें और अनुरोध
dash-sign-out = साइन आउट करें
dash-back = वापस

## Signing in
dash-signin-title = अपनी सहमतियाँ देखने के लिए साइन इन करें
dash-signin-intro = हम उस मोबाइल नंबर या ई-मेल पते पर एक बार का कोड भेजेंगे जिसे संस्था ने आपके लिए सत्यापित किया है।
dash-contact = मोबाइल नंबर या ई-मेल पता
dash-send-code = मुझे कोड भेजें
dash-contact-invalid = 10 अंकों का मोबाइल नंबर या ई-मेल पता दर्ज करें।
dash-code-title = अपना कोड दर्ज करें
dash-code-sent = यदि { $contact } संस्था को ज्ञात है, तो छह अंकों का कोड भेजा जा रहा है। यह { $minutes } मिनट तक मान्य है।
dash-code = छह अंकों का कोड
dash-sign-in = साइन इन करें
dash-code-again = नया कोड माँगें
dash-code-wrong = कोड गलत है, समाप्त हो गया है या उपयोग हो चुका है। नया कोड माँगें।
dash-handoff-title = अपना डैशबोर्ड खोलें
dash-handoff-intro = संस्था द्वारा दिया गया साइन-इन टोकन यहाँ चिपकाएँ।
dash-token = साइन-इन टोकन
dash-open = खोलें
dash-signed-out-title = आप साइन आउट हो चुके हैं
dash-signed-out = संस्था की वेबसाइट या ऐप से अपना डैशबोर्ड फिर से खोलें।

## Consents
dash-done = हो गया: { $purpose } के लिए आपका विकल्प दर्ज कर लिया गया है।
dash-filter = सहमतियाँ खोजें
dash-purpose = उद्देश्य
dash-status = स्थिति
dash-any = कोई भी
dash-from = इस तारीख को या इसके बाद बदली गई
dash-to = इस तारीख को या इससे पहले बदली गई
dash-apply = दिखाएँ
dash-group-reconsent = फिर से सहमति माँगी गई
dash-group-active = सक्रिय
dash-group-expired = समाप्त
dash-group-withdrawn = वापस ली गई
dash-group-denied = अस्वीकृत
dash-none = यहाँ कुछ नहीं है।
dash-notice = सूचना { $notice }, संस्करण { $version }
dash-reconsent = सूचना बदल गई है। कृपया इसे पढ़ें और फिर से सहमति दें।
dash-data = उपयोग होने वाला डेटा
dash-changed = { $date } को बदली गई
dash-expires = { $date } तक मान्य
dash-reconsent-button = फिर से सहमति दें
dash-renew = नवीनीकरण करें
dash-grant = सहमति दें
dash-withdraw = सहमति वापस लें
dash-history = इतिहास
dash-export-title = अपना इतिहास डाउनलोड करें
dash-export-csv = स्प्रेडशीट के रूप में (CSV)
dash-export-record = सहमति रिकॉर्ड के रूप में (ISO/IEC 27560, JSON-LD)
dash-export-pdf = दस्तावेज़ के रूप में (PDF)
dash-pdf-title = आपकी सहमतियों का इतिहास
dash-pdf-made = { $date } को बनाया गया। व्यक्तिगत डेटा आंशिक रूप से छिपाकर दिखाया गया है।
dash-pdf-page = { $pages } में से पृष्ठ { $page }
dash-consent = सहमति
dash-choice = विकल्प
dash-choice-granted = दी गई
dash-choice-denied = अस्वीकृत
dash-valid-until = कब तक मान्य

## A consent's history
dash-history-title = इस सहमति का इतिहास
dash-version = संस्करण
dash-when = कब
dash-event = क्या हुआ
dash-by = किसने
dash-event-collected = दी गई
dash-event-updated = बदली गई
dash-event-renewed = नवीनीकृत
dash-event-withdrawn = वापस ली गई
dash-event-expired = समाप्त
dash-by-principal = आपने
dash-by-fiduciary = संस्था ने
dash-by-system = अपने-आप
dash-by-other = कर्मचारी या आपके नामिती ने

## Messages
dash-ack = पढ़ा हुआ चिह्नित करें
dash-read-on = { $date } को पढ़ा

## Grievances and requests
dash-reference = संदर्भ संख्या
dash-kind = प्रकार
dash-filed = दर्ज करने की तारीख
dash-respond-by = उत्तर की अंतिम तारीख
dash-kind-grievance = शिकायत
dash-kind-access = मेरे डेटा की प्रति
dash-kind-correction = मेरे डेटा में सुधार
dash-kind-erasure = मेरा डेटा मिटाएँ
dash-kind-nomination = किसी को नामित करें
dash-case-submitted = प्राप्त
dash-case-acknowledged = पावती दी गई
dash-case-in_progress = कार्रवाई जारी है
dash-case-escalated = वरिष्ठ अधिकारी को भेजा गया
dash-case-resolved = समाधान हो गया
dash-case-closed = बंद
dash-case-reopened = फिर से खोला गया
dash-grievance-title = शिकायत दर्ज करें
dash-category = श्रेणी
dash-description = क्या हुआ?
dash-file = भेजें
dash-request-title = अनुरोध करें
dash-request-kind = आप क्या माँगते हैं?
dash-details = विवरण (वैकल्पिक)
dash-correction-field = सुधार के लिए: क्या सुधारना है
dash-correction-value = सुधार के लिए: सही मान
dash-nominee-name = नामांकन के लिए: व्यक्ति का नाम
dash-nominee-contact = नामांकन के लिए: उनका मोबाइल नंबर या ई-मेल पता
dash-access-document = अपना डेटा डाउनलोड करें (JSON)

## Errors
dash-error-not-found = आपके खाते में ऐसी कोई सहमति या मामला नहीं है।
dash-error-refused = यह नहीं हो सका। कुछ भी नहीं बदला गया। कृपया फ़ॉर्म जाँचें और फिर से प्रयास करें।
dash-error-too-many = बहुत अधिक प्रयास। कृपया कुछ मिनट रुकें और फिर से प्रयास करें।
dash-error-input = फ़ॉर्म पढ़ा नहीं जा सका। कृपया इसे जाँचें और फिर से प्रयास करें।
dash-error-hand-off = यह साइन-इन समाप्त हो गया है या मान्य नहीं है। कृपया संस्था की वेबसाइट या ऐप से डैशबोर्ड फिर से खोलें।
dash-error-pdf = दस्तावेज़ अभी नहीं बनाया जा सका। आप अपना इतिहास स्प्रेडशीट के रूप में (CSV) भी डाउनलोड कर सकते हैं।
