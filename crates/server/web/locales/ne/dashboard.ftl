## The principal's dashboard
dash-title = तपाईंका सहमतिहरू
dash-nav-label = तपाईंको ड्यासबोर्ड
dash-nav-consents = सहमतिहरू
dash-nav-inbox = सन्देशहरू
dash-nav-cases = गुनासो र अनुरोधहरू
dash-sign-out = साइन आउट गर्नुहोस्
dash-back = पछाडि

## Signing in
dash-signin-title = आफ्ना सहमतिहरू हेर्न साइन इन गर्नुहोस्
dash-signin-intro = संस्थाले तपाईंका लागि प्रमाणित गरेको मोबाइल नम्बर वा इमेल ठेगानामा हामी एक पटकको कोड पठाउनेछौं।
dash-contact = मोबाइल नम्बर वा इमेल ठेगाना
dash-send-code = मलाई कोड पठाउनुहोस्
dash-contact-invalid = १० अङ्कको मोबाइल नम्बर वा इमेल ठेगाना लेख्नुहोस्।
dash-code-title = आफ्नो कोड लेख्नुहोस्
dash-code-sent = यदि { $contact } संस्थालाई थाहा छ भने छ अङ्कको कोड पठाइँदै छ। यो { $minutes } मिनेटसम्म मान्य छ।
dash-code = छ अङ्कको कोड
dash-sign-in = साइन इन गर्नुहोस्
dash-code-again = नयाँ कोड माग्नुहोस्
dash-code-wrong = कोड गलत, म्याद सकिएको वा प्रयोग भइसकेको छ। नयाँ कोड माग्नुहोस्।
dash-handoff-title = आफ्नो ड्यासबोर्ड खोल्नुहोस्
dash-handoff-intro = संस्थाले तपाईंलाई दिएको साइन-इन टोकन यहाँ टाँस्नुहोस्।
dash-token = साइन-इन टोकन
dash-open = खोल्नुहोस्
dash-signed-out-title = तपाईं साइन आउट हुनुभयो
dash-signed-out = संस्थाको वेबसाइट वा एपबाट आफ्नो ड्यासबोर्ड फेरि खोल्नुहोस्।

## Consents
dash-done = भयो: { $purpose } का लागि तपाईंको छनोट अभिलेख गरियो।
dash-filter = सहमतिहरू खोज्नुहोस्
dash-purpose = उद्देश्य
dash-status = स्थिति
dash-any = कुनै पनि
dash-from = यो मितिमा वा पछि बदलिएका
dash-to = यो मितिमा वा अघि बदलिएका
dash-apply = देखाउनुहोस्
dash-group-reconsent = फेरि सहमति मागिएका
dash-group-active = सक्रिय
dash-group-expired = म्याद सकिएका
dash-group-withdrawn = फिर्ता लिइएका
dash-group-denied = अस्वीकार गरिएका
dash-none = यहाँ केही छैन।
dash-notice = सूचना { $notice }, संस्करण { $version }
dash-reconsent = सूचना बदलिएको छ। कृपया यसलाई पढ्नुहोस् र फेरि सहमति दिनुहोस्।
dash-data = प्रयोग हुने डेटा
dash-changed = { $date } मा बदलियो
dash-expires = { $date } सम्म मान्य
dash-reconsent-button = फेरि सहमति दिनुहोस्
dash-renew = नवीकरण गर्नुहोस्
dash-grant = सहमति दिनुहोस्
dash-withdraw = सहमति फिर्ता लिनुहोस्
dash-history = इतिहास
dash-export-title = आफ्नो इतिहास डाउनलोड गर्नुहोस्
dash-export-csv = स्प्रेडसिटका रूपमा (CSV)
dash-export-record = सहमति अभिलेखका रूपमा (ISO/IEC 27560, JSON-LD)
dash-export-pdf = कागजातका रूपमा (PDF)
dash-pdf-title = तपाईंको सहमतिको इतिहास
dash-pdf-made = { $date } मा बनाइएको। व्यक्तिगत डेटा आंशिक रूपमा लुकाएर देखाइएको छ।
dash-pdf-page = { $pages } मध्ये पृष्ठ { $page }
dash-consent = सहमति
dash-choice = छनोट
dash-choice-granted = दिइयो
dash-choice-denied = अस्वीकार गरियो
dash-valid-until = कहिलेसम्म मान्य

## A consent's history
dash-history-title = यस सहमतिको इतिहास
dash-version = संस्करण
dash-when = कहिले
dash-event = के भयो
dash-by = कसले
dash-event-collected = दिइयो
dash-event-updated = बदलियो
dash-event-renewed = नवीकरण भयो
dash-event-withdrawn = फिर्ता लिइयो
dash-event-expired = म्याद सकियो
dash-by-principal = तपाईंले
dash-by-fiduciary = संस्थाले
dash-by-system = स्वचालित रूपमा
dash-by-other = कर्मचारी वा तपाईंको मनोनीत व्यक्तिले

## Messages
dash-ack = पढेको भनी चिनो लगाउनुहोस्
dash-read-on = { $date } मा पढियो

## Grievances and requests
dash-reference = सन्दर्भ नम्बर
dash-kind = प्रकार
dash-filed = दर्ता मिति
dash-respond-by = जवाफको अन्तिम मिति
dash-kind-grievance = गुनासो
dash-kind-access = मेरो डेटाको प्रतिलिपि
dash-kind-correction = मेरो डेटा सच्याउनुहोस्
dash-kind-erasure = मेरो डेटा मेटाउनुहोस्
dash-kind-nomination = कसैलाई मनोनीत गर्नुहोस्
dash-case-submitted = प्राप्त भयो
dash-case-acknowledged = प्राप्ति स्वीकार गरियो
dash-case-in_progress = कारबाही हुँदैछ
dash-case-escalated = वरिष्ठ अधिकारीकहाँ पठाइयो
dash-case-resolved = समाधान भयो
dash-case-closed = बन्द
dash-case-reopened = फेरि खोलियो
dash-grievance-title = गुनासो दर्ता गर्नुहोस्
dash-category = वर्ग
dash-description = के भयो?
dash-file = पठाउनुहोस्
dash-request-title = अनुरोध गर्नुहोस्
dash-request-kind = तपाईं के माग्नुहुन्छ?
dash-details = विवरण (ऐच्छिक)
dash-correction-field = सच्याउनका लागि: के सच्याउने
dash-correction-value = सच्याउनका लागि: सही मान
dash-nominee-name = मनोनयनका लागि: व्यक्तिको नाम
dash-nominee-contact = मनोनयनका लागि: उहाँको मोबाइल नम्बर वा इमेल ठेगाना
dash-access-document = आफ्नो डेटा डाउनलोड गर्नुहोस् (JSON)

## Errors
dash-error-not-found = तपाईंको खातामा यस्तो कुनै सहमति वा मुद्दा छैन।
dash-error-refused = यो गर्न सकिएन। केही पनि बदलिएन। कृपया फारम जाँचेर फेरि प्रयास गर्नुहोस्।
dash-error-too-many = धेरै प्रयास भए। कृपया केही मिनेट पर्खेर फेरि प्रयास गर्नुहोस्।
dash-error-input = फारम पढ्न सकिएन। कृपया जाँचेर फेरि प्रयास गर्नुहोस्।
dash-error-hand-off = यो साइन-इनको म्याद सकिएको छ वा मान्य छैन। कृपया संस्थाको वेबसाइट वा एपबाट ड्यासबोर्ड फेरि खोल्नुहोस्।
dash-error-pdf = कागजात अहिले बनाउन सकिएन। तपाईं आफ्नो इतिहास स्प्रेडसिटका रूपमा (CSV) पनि डाउनलोड गर्न सक्नुहुन्छ।
