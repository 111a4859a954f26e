## The principal's dashboard
dash-title = तुमच्यो संमती
dash-nav-label = तुमचो डॅशबोर्ड
dash-nav-consents = संमती
dash-nav-inbox = संदेश
dash-nav-cases = कागाळी आनी विनंत्यो
dash-sign-out = साइन आउट करात
dash-back = फाटीं

## Signing in
dash-signin-title = तुमच्यो संमती पळोवपाक साइन इन करात
dash-signin-intro = संस्थेन तुमचे खातीर पडताळून पळयल्ल्या मोबायल क्रमांकाचेर वा ई-मेल पत्त्याचेर आमी एक फावटीचो कोड धाडटले.
dash-contact = मोबायल क्रमांक वा ई-मेल पत्तो
dash-send-code = म्हाका कोड धाडात
dash-contact-invalid = 10 आंकड्यांचो मोबायल क्रमांक वा ई-मेल पत्तो बरयात.
dash-code-title = तुमचो कोड बरयात
dash-code-sent = { $contact } संस्थेक खबर आसल्यार, स आंकड्यांचो कोड धाडटात. तो { $minutes } मिनटां मेरेन वैध आसा.
dash-code = स आंकड्यांचो कोड
dash-sign-in = साइन इन करात
dash-code-again = नवो कोड मागात
dash-code-wrong = कोड चुकीचो, काळ सोंपल्लो वा वापरिल्लो आसा. नवो कोड मागात.
dash-handoff-title = तुमचो डॅशबोर्ड उगडात
dash-handoff-intro = संस्थेन तुमकां दिल्लो साइन-इन टोकन हांगा चिकटयात.
dash-token = साइन-इन टोकन
dash-open = उगडात
dash-signed-out-title = तुमी साइन आउट जाल्यात
dash-signed-out = संस्थेच्या वेबसायट वा ॲपांतल्यान तुमचो डॅशबोर्ड परत उगडात.

## Consents
dash-done = जालें: { $purpose } खातीर तुमची निवड नोंद जाली.
dash-filter = संमती सोदात
dash-purpose = उद्देश
dash-status = स्थिती
dash-any = खंयचीय
dash-from = ह्या तारखेक वा उपरांत बदल्ल्यो
dash-to = ह्या तारखेक वा आदीं बदल्ल्यो
dash-apply = दाखयात
dash-group-reconsent = परत संमती मागिल्ल्यो
dash-group-active = सक्रिय
dash-group-expired = काळ सोंपल्ल्यो
dash-group-withdrawn = फाटीं घेतिल्ल्यो
dash-group-denied = न्हयकारिल्ल्यो
dash-none = हांगा कांयच ना.
dash-notice = सुचोवणी { $notice }, आवृत्ती { $version }
dash-reconsent = सुचोवणी बदल्ल्या. उपकार करून ती वाचात आनी परत संमती दियात.
dash-data = वापरतात तो डेटा
dash-changed = { $date } दिसा बदल्ली
dash-expires = { $date } मेरेन वैध
dash-reconsent-button = परत संमती दियात
dash-renew = नूतनीकरण करात
dash-grant = संमती दियात
dash-withdraw = संमती फाटीं घेयात
dash-history = इतिहास
dash-export-title = तुमचो इतिहास डाउनलोड करात
dash-export-csv = स्प्रेडशीट म्हूण (CSV)
dash-export-record = संमती नोंद म्हूण (ISO/IEC 27560, JSON-LD)
dash-export-pdf = दस्तावेज म्हूण (PDF)
dash-pdf-title = तुमच्या संमतीचो इतिहास
dash-pdf-made = { $date } दिसा तयार केलें. वैयक्तीक डेटा थोडो लिपोवन दाखयला.
dash-pdf-page = पान { $page } / { $pages }
dash-consent = संमती
dash-choice = निवड
dash-choice-granted = दिली
dash-choice-denied = न्हयकारली
dash-valid-until = केन्ना मेरेन वैध

## A consent's history
dash-history-title = ह्या संमतीचो इतिहास
dash-version = आवृत्ती
dash-when = केन्ना
dash-event = कितें जालें
dash-by = कोणें
dash-event-collected = दिली
dash-event-updated = बदल्ली
dash-event-renewed = नूतनीकरण जालें
dash-event-withdrawn = फाटीं घेतली
dash-event-expired = काळ सोंपलो
dash-by-principal = तुमी
dash-by-fiduciary = संस्था
dash-by-system = आपोआप
dash-by-other = कर्मचारी वा तुमचो नामनिर्देशीत

## Messages
dash-ack = वाचलां अशें खूण करात
dash-read-on = { $date } दिसा वाचलें

## Grievances and requests
dash-reference = संदर्भ क्रमांक
dash-kind = प्रकार
dash-filed = दाखल केल्ली तारीख
dash-respond-by = जापेची निमणी तारीख
dash-kind-grievance = कागाळ
dash-kind-access = म्हज्या डेटाची प्रत
dash-kind-correction = म्हज्या डेटांत सुदारणा
dash-kind-erasure = म्हजो डेटा पुसून उडयात
dash-kind-nomination = कोणाक तरी नामनिर्देशीत करात
dash-case-submitted = मेळ्ळी
dash-case-acknowledged = पावती दिल्या
dash-case-in_progress = कारवाय चालू आसा
dash-case-escalated = वरिश्ठ अधिकाऱ्याकडेन धाडली
dash-case-resolved = सोडवण जाली
dash-case-closed = बंद
dash-case-reopened = परत उगडली
dash-grievance-title = कागाळ दाखल करात
dash-category = वर्ग
dash-description = कितें जालें?
dash-file = धाडात
dash-request-title = विनंती करात
dash-request-kind = तुमी कितें मागतात?
dash-details = तपशील (ऐच्छीक)
dash-correction-field = सुदारणे खातीर: कितें सुदारचें
dash-correction-value = सुदारणे खातीर: योग्य मोल
dash-nominee-name = नामनिर्देशना खातीर: मनशाचें नांव
dash-nominee-contact = नामनिर्देशना खातीर: तांचो मोबायल क्रमांक वा ई-मेल पत्तो
dash-access-document = तुमचो डेटा डाउनलोड करात (JSON)

## Errors
dash-error-not-found = तुमच्या खात्यांत अशी खंयचीच संमती वा प्रकरण ना.
dash-error-refused = हें करपाक जमलें ना. कांयच बदलूंक ना. उपकार करून फॉर्म तपासात आनी परत यत्न करात.
dash-error-too-many = चड यत्न जाले. उपकार करून थोडीं मिनटां रावात आनी परत यत्न करात.
dash-error-input = फॉर्म वाचपाक जमलो ना. उपकार करून तपासात आनी परत यत्न करात.
dash-error-hand-off = हें साइन-इन काळ सोंपलां वा वैध ना. उपकार करून संस्थेच्या वेबसायट वा ॲपांतल्यान डॅशबोर्ड परत उगडात.
dash-error-pdf = दस्तावेज आतां तयार करपाक जमलो ना. तुमचो इतिहास स्प्रेडशीट म्हूणय (CSV) डाउनलोड करूं येता.
