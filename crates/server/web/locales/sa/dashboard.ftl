## The principal's dashboard
dash-title = भवतः अनुमतयः
dash-nav-label = भवतः फलकम्
dash-nav-consents = अनुमतयः
dash-nav-inbox = सन्देशाः
dash-nav-cases = परिवादाः अनुरोधाः च
dash-sign-out = निर्गच्छतु
dash-back = पृष्ठतः

## Signing in
dash-signin-title = स्वानुमतीः द्रष्टुं प्रविशतु
dash-signin-intro = संस्थया भवदर्थं सत्यापितं चलदूरवाणीसङ्ख्यां ई-पत्रसङ्केतं वा प्रति वयम् एकवारं प्रयोज्यं कूटं प्रेषयिष्यामः।
dash-contact = चलदूरवाणीसङ्ख्या ई-पत्रसङ्केतः वा
dash-send-code = मह्यं कूटं प्रेषयतु
dash-contact-invalid = दशाङ्कात्मिकां चलदूरवाणीसङ्ख्यां ई-पत्रसङ्केतं वा लिखतु।
dash-code-title = स्वकूटं लिखतु
dash-code-sent = यदि { $contact } संस्थायाः विदितम् अस्ति तर्हि षडङ्कात्मकं कूटं प्रेष्यते। तत् { $minutes } निमेषान् यावत् मान्यम्।
dash-code = षडङ्कात्मकं कूटम्
dash-sign-in = प्रविशतु
dash-code-again = नूतनं कूटं याचतु
dash-code-wrong = कूटम् अशुद्धम्, कालातीतम्, उपयुक्तं वा। नूतनं याचतु।
dash-handoff-title = स्वफलकम् उद्घाटयतु
dash-handoff-intro = संस्थया दत्तं प्रवेश-चिह्नम् अत्र स्थापयतु।
dash-token = प्रवेश-चिह्नम्
dash-open = उद्घाटयतु
dash-signed-out-title = भवान् निर्गतः
dash-signed-out = संस्थायाः जालस्थानात् अनुप्रयोगात् वा स्वफलकं पुनः उद्घाटयतु।

## Consents
dash-done = सम्पन्नम्: { $purpose } इत्यस्य कृते भवतः चयनं अभिलिखितम्।
dash-filter = अनुमतीः अन्विष्यतु
dash-purpose = प्रयोजनम्
dash-status = स्थितिः
dash-any = किमपि
dash-from = अस्मिन् दिनाङ्के तदनन्तरं वा परिवर्तिताः
dash-to = अस्मिन् दिनाङ्के तत्पूर्वं वा परिवर्तिताः
dash-apply = दर्शयतु
dash-group-reconsent = पुनः अनुमतिः याचिता
dash-group-active = सक्रियाः
dash-group-expired = कालातीताः
dash-group-withdrawn = प्रत्याहृताः
dash-group-denied = निराकृताः
dash-none = अत्र किमपि नास्ति।
dash-notice = सूचना { $notice }, संस्करणम् { $version }
dash-reconsent = सूचना परिवर्तिता। कृपया तां पठित्वा पुनः अनुमतिं ददातु।
dash-data = उपयुज्यमानः दत्तांशः
dash-changed = { $date } दिने परिवर्तिता
dash-expires = { $date } पर्यन्तं मान्या
dash-reconsent-button = पुनः अनुमतिं ददातु
dash-renew = नवीकरोतु
dash-grant = अनुमतिं ददातु
dash-withdraw = अनुमतिं प्रत्याहरतु
dash-history = इतिहासः
dash-export-title = स्वेतिहासम् अवतारयतु
dash-export-csv = विस्तारपत्ररूपेण (CSV)
dash-export-record = अनुमति-अभिलेखरूपेण (ISO/IEC 27560, JSON-LD)
dash-export-pdf = प्रलेखरूपेण (PDF)
dash-pdf-title = भवतः अनुमतीनाम् इतिहासः
dash-pdf-made = { $date } दिने निर्मितम्। वैयक्तिकदत्तांशः आंशिकरूपेण आच्छाद्य दर्शितः।
dash-pdf-page = पृष्ठम् { $page } / { $pages }
dash-consent = अनुमतिः
dash-choice = चयनम्
dash-choice-granted = दत्ता
dash-choice-denied = निराकृता
dash-valid-until = कदापर्यन्तं मान्या

## A consent's history
dash-history-title = अस्याः अनुमतेः इतिहासः
dash-version = संस्करणम्
dash-when = कदा
dash-event = किम् अभवत्
dash-by = केन
dash-event-collected = दत्ता
dash-event-updated = परिवर्तिता
dash-event-renewed = नवीकृता
dash-event-withdrawn = प्रत्याहृता
dash-event-expired = कालातीता
dash-by-principal = भवता
dash-by-fiduciary = संस्थया
dash-by-system = स्वयमेव
dash-by-other = कर्मचारिणा भवतः नामितेन वा

## Messages
dash-ack = पठितम् इति चिह्नयतु
dash-read-on = { $date } दिने पठितम्

## Grievances and requests
dash-reference = सन्दर्भसङ्ख्या
dash-kind = प्रकारः
dash-filed = प्रस्तुतदिनाङ्कः
dash-respond-by = उत्तरस्य अन्तिमदिनाङ्कः
dash-kind-grievance = परिवादः
dash-kind-access = मम दत्तांशस्य प्रतिलिपिः
dash-kind-correction = मम दत्तांशस्य संशोधनम्
dash-kind-erasure = मम दत्तांशस्य मार्जनम्
dash-kind-nomination = कस्यचित् नामाङ्कनम्
dash-case-submitted = प्राप्तम्
dash-case-acknowledged = प्राप्तिः स्वीकृता
dash-case-in_progress = कार्यं प्रचलति
dash-case-escalated = वरिष्ठाधिकारिणं प्रति प्रेषितम्
dash-case-resolved = समाहितम्
dash-case-closed = समापितम्
dash-case-reopened = पुनः उद्घाटितम्
dash-grievance-title = परिवादं प्रस्तौतु
dash-category = वर्गः
dash-description = किम् अभवत्?
dash-file = प्रेषयतु
dash-request-title = अनुरोधं करोतु
dash-request-kind = भवान् किं याचते?
dash-details = विवरणम् (ऐच्छिकम्)
dash-correction-field = संशोधनाय: किं संशोधनीयम्
dash-correction-value = संशोधनाय: शुद्धं मूल्यम्
dash-nominee-name = नामाङ्कनाय: व्यक्तेः नाम
dash-nominee-contact = नामाङ्कनाय: तस्य चलदूरवाणीसङ्ख्या ई-पत्रसङ्केतः वा
dash-access-document = स्वदत्तांशम् अवतारयतु (JSON)

## Errors
dash-error-not-found = भवतः खाते एतादृशी अनुमतिः प्रकरणं वा नास्ति।
dash-error-refused = एतत् कर्तुं न शक्तम्। किमपि न परिवर्तितम्। कृपया प्रपत्रं परीक्ष्य पुनः प्रयततु।
dash-error-too-many = अतीव बहवः प्रयासाः। कृपया कतिचन निमेषान् प्रतीक्ष्य पुनः प्रयततु।
dash-error-input = प्रपत्रं पठितुं न शक्तम्। कृपया परीक्ष्य पुनः प्रयततु।
dash-error-hand-off = एतत् प्रवेशनं कालातीतम् अमान्यं वा। कृपया संस्थायाः जालस्थानात् अनुप्रयोगात् वा फलकं पुनः उद्घाटयतु।
dash-error-pdf = प्रलेखः इदानीं निर्मातुं न शक्तः। भवान् स्वेतिहासं विस्तारपत्ररूपेण (CSV) अपि अवतारयितुं शक्नोति।
