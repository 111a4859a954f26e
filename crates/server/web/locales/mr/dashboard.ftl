## The principal's dashboard
dash-title = तुमच्या संमती
dash-nav-label = तुमचा डॅशबोर्ड
dash-nav-consents = संमती
dash-nav-inbox = संदेश
dash-nav-cases = तक्रारी आणि विनंत्या
dash-sign-out = साइन आउट करा
dash-back = मागे

## Signing in
dash-signin-title = तुमच्या संमती पाहण्यासाठी साइन इन करा
dash-signin-intro = संस्थेने तुमच्यासाठी पडताळलेल्या मोबाइल क्रमांकावर किंवा ई-मेल पत्त्यावर आम्ही एकदाच वापरण्याचा कोड पाठवू.
dash-contact = मोबाइल क्रमांक किंवा ई-मेल पत्ता
dash-send-code = मला कोड पाठवा
dash-contact-invalid = 10 अंकी मोबाइल क्रमांक किंवा ई-मेल पत्ता टाका.
dash-code-title = तुमचा कोड टाका
dash-code-sent = { $contact } संस्थेला माहीत असल्यास, सहा अंकी कोड पाठवला जात आहे. तो { $minutes } मिनिटे वैध आहे.
dash-code = सहा अंकी कोड
dash-sign-in = साइन इन करा
dash-code-again = नवीन कोड मागा
dash-code-wrong = कोड चुकीचा आहे, कालबाह्य झाला आहे किंवा वापरला गेला आहे. नवीन कोड मागा.
dash-handoff-title = तुमचा डॅशबोर्ड उघडा
dash-handoff-intro = संस्थेने तुम्हाला दिलेले साइन-इन टोकन येथे चिकटवा.
dash-token = साइन-इन टोकन
dash-open = उघडा
dash-signed-out-title = तुम्ही साइन आउट झाला आहात
dash-signed-out = संस्थेच्या वेबसाइट किंवा ॲपवरून तुमचा डॅशबोर्ड पुन्हा उघडा.

## Consents
dash-done = झाले: { $purpose } साठी तुमची निवड नोंदवली गेली आहे.
dash-filter = संमती शोधा
dash-purpose = उद्देश
dash-status = स्थिती
dash-any = कोणतीही
dash-from = या तारखेला किंवा नंतर बदललेल्या
dash-to = या तारखेला किंवा आधी बदललेल्या
dash-apply = दाखवा
dash-group-reconsent = पुन्हा संमती मागितलेल्या
dash-group-active = सक्रिय
dash-group-expired = कालबाह्य
dash-group-withdrawn = मागे घेतलेल्या
dash-group-denied = नाकारलेल्या
dash-none = येथे काहीही नाही.
dash-notice = सूचना { $notice }, आवृत्ती { $version }
dash-reconsent = सूचना बदलली आहे. कृपया ती वाचा आणि पुन्हा संमती द्या.
dash-data = वापरला जाणारा डेटा
dash-changed = { $date } रोजी बदलली
dash-expires = { $date } पर्यंत वैध
dash-reconsent-button = पुन्हा संमती द्या
dash-renew = नूतनीकरण करा
dash-grant = संमती द्या
dash-withdraw = संमती मागे घ्या
dash-history = इतिहास
dash-export-title = तुमचा इतिहास डाउनलोड करा
dash-export-csv = स्प्रेडशीट म्हणून (CSV)
dash-export-record = संमती नोंद म्हणून (ISO/IEC 27560, JSON-LD)
dash-export-pdf = दस्तऐवज म्हणून (PDF)
dash-pdf-title = तुमच्या संमतीचा इतिहास
dash-pdf-made = { $date } रोजी तयार केला. वैयक्तिक डेटा अंशतः लपवून दाखवला आहे.
dash-pdf-page = { $pages } पैकी पान { $page }
dash-consent = संमती
dash-choice = निवड
dash-choice-granted = दिली
dash-choice-denied = नाकारली
dash-valid-until = कधीपर्यंत वैध

## A consent's history
dash-history-title = या संमतीचा इतिहास
dash-version = आवृत्ती
dash-when = केव्हा
dash-event = काय घडले
dash-by = कोणी
dash-event-collected = दिली
dash-event-updated = बदलली
dash-event-renewed = नूतनीकरण झाले
dash-event-withdrawn = मागे घेतली
dash-event-expired = कालबाह्य झाली
dash-by-principal = तुम्ही
dash-by-fiduciary = संस्था
dash-by-system = आपोआप
dash-by-other = कर्मचारी किंवा तुमचा नामनिर्देशित

## Messages
dash-ack = वाचले म्हणून चिन्हांकित करा
dash-read-on = { $date } रोजी वाचले

## Grievances and requests
dash-reference = संदर्भ क्रमांक
dash-kind = प्रकार
dash-filed = दाखल केल्याची तारीख
dash-respond-by = उत्तराची अंतिम तारीख
dash-kind-grievance = तक्रार
dash-kind-access = माझ्या डेटाची प्रत
dash-kind-correction = माझ्या डेटात दुरुस्ती
dash-kind-erasure = माझा डेटा पुसून टाका
dash-kind-nomination = एखाद्याला नामनिर्देशित करा
dash-case-submitted = प्राप्त झाली
dash-case-acknowledged = पोच दिली
dash-case-in_progress = कार्यवाही सुरू आहे
dash-case-escalated = वरिष्ठ अधिकाऱ्याकडे पाठवली
dash-case-resolved = निराकरण झाले
dash-case-closed = बंद
dash-case-reopened = पुन्हा उघडली
dash-grievance-title = तक्रार दाखल करा
dash-category = वर्ग
dash-description = काय घडले?
dash-file = पाठवा
dash-request-title = विनंती करा
dash-request-kind = तुम्ही काय मागता?
dash-details = तपशील (ऐच्छिक)
dash-correction-field = दुरुस्तीसाठी: काय दुरुस्त करायचे
dash-correction-value = दुरुस्तीसाठी: योग्य मूल्य
dash-nominee-name = नामनिर्देशनासाठी: व्यक्तीचे नाव
dash-nominee-contact = नामनिर्देशनासाठी: त्यांचा मोबाइल क्रमांक किंवा ई-मेल पत्ता
dash-access-document = तुमचा डेटा डाउनलोड करा (JSON)

## Errors
dash-error-not-found = तुमच्या खात्यात अशी कोणतीही संमती किंवा प्रकरण नाही.
dash-error-refused = हे करता आले नाही. काहीही बदलले नाही. कृपया फॉर्म तपासा आणि पुन्हा प्रयत्न करा.
dash-error-too-many = खूप प्रयत्न झाले. कृपया काही मिनिटे थांबा आणि पुन्हा प्रयत्न करा.
dash-error-input = फॉर्म वाचता आला नाही. कृपया तपासा आणि पुन्हा प्रयत्न करा.
dash-error-hand-off = हे साइन-इन कालबाह्य झाले आहे किंवा वैध नाही. कृपया संस्थेच्या वेबसाइट किंवा ॲपवरून डॅशबोर्ड पुन्हा उघडा.
dash-error-pdf = दस्तऐवज आत्ता तयार करता आला नाही. तुमचा इतिहास स्प्रेडशीट म्हणूनही (CSV) डाउनलोड करता येतो.
