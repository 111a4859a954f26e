## The principal's dashboard
dash-title = नोंथांनि गनायथिफोरा
dash-nav-label = नोंथांनि डेसबर्ड
dash-nav-consents = गनायथि
dash-nav-inbox = खौरां
dash-nav-cases = गोनां बाथ्रा आरो बिनथि
dash-sign-out = साइन आउट खालाम
dash-back = उनथिं

## Signing in
dash-signin-title = नोंथांनि गनायथिफोरखौ नायनो साइन इन खालाम
dash-signin-intro = फोरोंगिरि नोंथांनि थाखाय रुजुनाय मबाइल नम्बर एबा इ-मेल थावनायाव जों मोनसे खेबनि कोड दैथाय होगोन।
dash-contact = मबाइल नम्बर एबा इ-मेल थावनाय
dash-send-code = आंनो कोड दैथाय हो
dash-contact-invalid = 10 अनजिमानि मबाइल नम्बर एबा इ-मेल थावनाय लिर।
dash-code-title = नोंथांनि कोड लिर
dash-code-sent = जुदि { $contact } खौ फोरोंगिरिआ मिथियो, बेनो दों अनजिमानि कोड दैथाय होनाय जायो। बेयो { $minutes } मिनिट सिम गोनां।
dash-code = दों अनजिमानि कोड
dash-sign-in = साइन इन खालाम
dash-code-again = गोदान कोड बिनाय
dash-code-wrong = कोडआ गोरोन्थि, सम जोबनाय एबा बाहायनाय जाखांबाय। गोदान कोड बिनाय।
dash-handoff-title = नोंथांनि डेसबर्ड खेव
dash-handoff-intro = फोरोंगिरिआ नोंथांखौ होनाय साइन-इन टोकनखौ बेयाव सानथे।
dash-token = साइन-इन टोकन
dash-open = खेव
dash-signed-out-title = नोंथाङा साइन आउट जाबाय
dash-signed-out = फोरोंगिरिनि वेबसाइट एबा एप निफ्राय नोंथांनि डेसबर्डखौ फिन खेव।

## Consents
dash-done = जाबाय: { $purpose } नि थाखाय नोंथांनि सायखनायखौ लिरथा खालामबाय।
dash-filter = गनायथि नागिर
dash-purpose = थांखि
dash-status = थासारि
dash-any = जायखिजाया
dash-from = बे अक्ट'आव एबा उनाव सोलायनाय
dash-to = बे अक्ट'आव एबा सिगाङाव सोलायनाय
dash-apply = दिन्थि
dash-group-reconsent = फिन गनायथि बिनाय
dash-group-active = सक्रिय
dash-group-expired = सम जोबनाय
dash-group-withdrawn = फिन लानाय
dash-group-denied = नेवसिनाय
dash-none = बेयाव जेबो गैया।
dash-notice = फोरमायथि { $notice }, संस्करण { $version }
dash-reconsent = फोरमायथिआ सोलायबाय। अननानै बेखौ फराय आरो फिन गनायथि हो।
dash-data = बाहायनाय डेटा
dash-changed = { $date } आव सोलायबाय
dash-expires = { $date } सिम गोनां
dash-reconsent-button = फिन गनायथि हो
dash-renew = गोदान खालाम
dash-grant = गनायथि हो
dash-withdraw = गनायथि फिन ला
dash-history = जारिमिन
dash-export-title = नोंथांनि जारिमिन डाउनल'ड खालाम
dash-export-csv = स्प्रेडसिट महराव (CSV)
dash-export-record = गनायथि रेकर्ड महराव (ISO/IEC 27560, JSON-LD)
dash-export-pdf = डकुमेन्ट महराव (PDF)
dash-pdf-title = नोंथांनि गनायथिनि जारिमिन
dash-pdf-made = { $date } आव सोरजिनाय। सुबुं डेटाखौ खावसे गोपोन खालामनानै दिन्थिनाय जादों।
dash-pdf-page = बिलाइ { $page } / { $pages }
dash-consent = गनायथि
dash-choice = सायखनाय
dash-choice-granted = होनाय
dash-choice-denied = नेवसिनाय
dash-valid-until = माब्ला सिम गोनां

## A consent's history
dash-history-title = बे गनायथिनि जारिमिन
dash-version = संस्करण
dash-when = माब्ला
dash-event = मा जादों
dash-by = सोर
dash-event-collected = होनाय
dash-event-updated = सोलायनाय
dash-event-renewed = गोदान खालामनाय
dash-event-withdrawn = फिन लानाय
dash-event-expired = सम जोबनाय
dash-by-principal = नोंथाङा
dash-by-fiduciary = फोरोंगिरि
dash-by-system = गावनो गाव
dash-by-other = हाबफारि एबा नोंथांनि मुं होनाय मानसि

## Messages
dash-ack = फरायनाय महरै चिन हो
dash-read-on = { $date } आव फरायनाय

## Grievances and requests
dash-reference = रेफारेन्स नम्बर
dash-kind = रोखोम
dash-filed = दाखिल खालामनाय अक्ट'
dash-respond-by = फिननायनि जोबथा अक्ट'
dash-kind-grievance = गोनां बाथ्रा
dash-kind-access = आंनि डेटानि कपि
dash-kind-correction = आंनि डेटा सुदेरनाय
dash-kind-erasure = आंनि डेटा खोमोर
dash-kind-nomination = सोरबाखौ मुं हो
dash-case-submitted = मोनबाय
dash-case-acknowledged = मोननायखौ फोरमायबाय
dash-case-in_progress = खामानि जागासिनो दं
dash-case-escalated = गोजौ हाकिमआव हरबाय
dash-case-resolved = फोजोबबाय
dash-case-closed = बन्द खालामबाय
dash-case-reopened = फिन खेवबाय
dash-grievance-title = गोनां बाथ्रा दाखिल खालाम
dash-category = थाखो
dash-description = मा जादों?
dash-file = दैथाय हो
dash-request-title = बिनथि खालाम
dash-request-kind = नोंथाङा मा बिनो?
dash-details = गुवारै (गावनि गोसो)
dash-correction-field = सुदेरनायनि थाखाय: मा सुदेरनो
dash-correction-value = सुदेरनायनि थाखाय: थार बेसेन
dash-nominee-name = मुं होनायनि थाखाय: मानसिनि मुं
dash-nominee-contact = मुं होनायनि थाखाय: बिसोरनि मबाइल नम्बर एबा इ-मेल थावनाय
dash-access-document = नोंथांनि डेटा डाउनल'ड खालाम (JSON)

## Errors
dash-error-not-found = नोंथांनि एकाउन्टआव बेबादि गनायथि एबा गोनां बाथ्रा गैया।
dash-error-refused = बेखौ खालामनो हानाय जाया। जेबो सोलायनाय जाया। अननानै फर्मखौ नायनानै फिन नाजा।
dash-error-too-many = जोबोद गोबां नाजानाय। अननानै मोनफसे मिनिट नेथानानै फिन नाजा।
dash-error-input = फर्मखौ फरायनो हानाय जाया। अननानै नायनानै फिन नाजा।
dash-error-hand-off = बे साइन-इनआ सम जोबबाय एबा गोनां नङा। अननानै फोरोंगिरिनि वेबसाइट एबा एप निफ्राय डेसबर्डखौ फिन खेव।
dash-error-pdf = दा डकुमेन्टखौ सोरजिनो हायाखै। नोंथांनि जारिमिनखौ स्प्रेडसिट महरावबो (CSV) डाउनल'ड खालामनो हायो।
