## The principal's dashboard
dash-title = మీ సమ్మతులు
dash-nav-label = మీ డాష్‌బోర్డ్
dash-nav-consents = సమ్మతులు
dash-nav-inbox = సందేశాలు
dash-nav-cases = ఫిర్యాదులు మరియు అభ్యర్థనలు
dash-sign-out = సైన్ అవుట్ చేయండి
dash-back = వెనుకకు

## Signing in
dash-signin-title = మీ సమ్మతులను చూడటానికి సైన్ ఇన్ చేయండి
dash-signin-intro = సంస్థ మీ కోసం ధృవీకరించిన మొబైల్ నంబర్ లేదా ఇ-మెయిల్ చిరునామాకు ఒకసారి వాడే కోడ్‌ను పంపుతాము.
dash-contact = మొబైల్ నంబర్ లేదా ఇ-మెయిల్ చిరునామా
dash-send-code = నాకు కోడ్ పంపండి
dash-contact-invalid = 10 అంకెల మొబైల్ నంబర్ లేదా ఇ-మెయిల్ చిరునామాను నమోదు చేయండి.
dash-code-title = మీ కోడ్‌ను నమోదు చేయండి
dash-code-sent = { $contact } సంస్థకు తెలిసి ఉంటే, ఆరు అంకెల కోడ్ పంపబడుతోంది. ఇది { $minutes } నిమిషాల పాటు చెల్లుతుంది.
dash-code = ఆరు అంకెల కోడ్
dash-sign-in = సైన్ ఇన్ చేయండి
dash-code-again = కొత్త కోడ్ అడగండి
dash-code-wrong = కోడ్ తప్పు, గడువు ముగిసింది లేదా ఇప్పటికే వాడబడింది. కొత్తది అడగండి.
dash-handoff-title = మీ డాష్‌బోర్డ్ తెరవండి
dash-handoff-intro = సంస్థ మీకు ఇచ్చిన సైన్-ఇన్ టోకెన్‌ను ఇక్కడ అతికించండి.
dash-token = సైన్-ఇన్ టోకెన్
dash-open = తెరవండి
dash-signed-out-title = మీరు సైన్ అవుట్ అయ్యారు
dash-signed-out = సంస్థ వెబ్‌సైట్ లేదా యాప్ నుండి మీ డాష్‌బోర్డ్‌ను మళ్లీ తెరవండి.

## Consents
dash-done = పూర్తయింది: { $purpose } కోసం మీ ఎంపిక నమోదైంది.
dash-filter = సమ్మతులను వెతకండి
dash-purpose = ప్రయోజనం
dash-status = స్థితి
dash-any = ఏదైనా
dash-from = ఈ తేదీన లేదా తర్వాత మారినవి
dash-to = ఈ తేదీన లేదా ముందు మారినవి
dash-apply = చూపించు
dash-group-reconsent = మళ్లీ సమ్మతి అడిగినవి
dash-group-active = చురుకైనవి
dash-group-expired = గడువు ముగిసినవి
dash-group-withdrawn = ఉపసంహరించినవి
dash-group-denied = నిరాకరించినవి
dash-none = ఇక్కడ ఏమీ లేదు.
dash-notice = నోటీసు { $notice }, వెర్షన్ { $version }
dash-reconsent = నోటీసు మారింది. దయచేసి దాన్ని చదివి మళ్లీ సమ్మతి ఇవ్వండి.
dash-data = వాడే డేటా
dash-changed = { $date } న మార్చబడింది
dash-expires = { $date } వరకు చెల్లుతుంది
dash-reconsent-button = మళ్లీ సమ్మతి ఇవ్వండి
dash-renew = పునరుద్ధరించండి
dash-grant = సమ్మతి ఇవ్వండి
dash-withdraw = సమ్మతిని ఉపసంహరించండి
dash-history = చరిత్ర
dash-export-title = మీ చరిత్రను డౌన్‌లోడ్ చేయండి
dash-export-csv = స్ప్రెడ్‌షీట్‌గా (CSV)
dash-export-record = సమ్మతి రికార్డుగా (ISO/IEC 27560, JSON-LD)
dash-export-pdf = పత్రంగా (PDF)
dash-pdf-title = మీ సమ్మతుల చరిత్ర
dash-pdf-made = { $date } న రూపొందించబడింది. వ్యక్తిగత డేటా పాక్షికంగా దాచి చూపబడింది.
dash-pdf-page = { $pages } పేజీలలో పేజీ { $page }
dash-consent = సమ్మతి
dash-choice = ఎంపిక
dash-choice-granted = ఇవ్వబడింది
dash-choice-denied = నిరాకరించబడింది
dash-valid-until = ఎప్పటివరకు చెల్లుతుంది

## A consent's history
dash-history-title = ఈ సమ్మతి చరిత్ర
dash-version = వెర్షన్
dash-when = ఎప్పుడు
dash-event = ఏమి జరిగింది
dash-by = ఎవరు
dash-event-collected = ఇవ్వబడింది
dash-event-updated = మార్చబడింది
dash-event-renewed = పునరుద్ధరించబడింది
dash-event-withdrawn = ఉపసంహరించబడింది
dash-event-expired = గడువు ముగిసింది
dash-by-principal = మీరు
dash-by-fiduciary = సంస్థ
dash-by-system = స్వయంచాలకంగా
dash-by-other = సిబ్బంది లేదా మీ నామినీ

## Messages
dash-ack = చదివినట్లు గుర్తించండి
dash-read-on = { $date } న చదివారు

## Grievances and requests
dash-reference = సూచన సంఖ్య
dash-kind = రకం
dash-filed = దాఖలు చేసిన తేదీ
dash-respond-by = సమాధానం గడువు
dash-kind-grievance = ఫిర్యాదు
dash-kind-access = నా డేటా ప్రతి
dash-kind-correction = నా డేటా సవరణ
dash-kind-erasure = నా డేటా తొలగింపు
dash-kind-nomination = ఒకరిని నామినేట్ చేయడం
dash-case-submitted = అందింది
dash-case-acknowledged = అందినట్లు ధృవీకరించబడింది
dash-case-in_progress = చర్య జరుగుతోంది
dash-case-escalated = ఉన్నత అధికారికి పంపబడింది
dash-case-resolved = పరిష్కరించబడింది
dash-case-closed = ముగించబడింది
dash-case-reopened = మళ్లీ తెరవబడింది
dash-grievance-title = ఫిర్యాదు దాఖలు చేయండి
dash-category = వర్గం
dash-description = ఏమి జరిగింది?
dash-file = పంపండి
dash-request-title = అభ్యర్థన చేయండి
dash-request-kind = మీరు ఏమి కోరుతున్నారు?
dash-details = వివరాలు (ఐచ్ఛికం)
dash-correction-field = సవరణ కోసం: ఏమి సవరించాలి
dash-correction-value = సవరణ కోసం: సరైన విలువ
dash-nominee-name = నామినేషన్ కోసం: వ్యక్తి పేరు
dash-nominee-contact = నామినేషన్ కోసం: వారి మొబైల్ నంబర్ లేదా ఇ-మెయిల్ చిరునామా
dash-access-document = మీ డేటాను డౌన్‌లోడ్ చేయండి (JSON)

## Errors
dash-error-not-found = మీ ఖాతాలో అలాంటి సమ్మతి లేదా కేసు లేదు.
dash-error-refused = ఇది చేయలేకపోయాము. ఏదీ మారలేదు. దయచేసి ఫారం తనిఖీ చేసి మళ్లీ ప్రయత్నించండి.
dash-error-too-many = చాలా ఎక్కువ ప్రయత్నాలు. దయచేసి కొన్ని నిమిషాలు ఆగి మళ్లీ ప్రయత్నించండి.
dash-error-input = ఫారం చదవలేకపోయాము. దయచేసి తనిఖీ చేసి మళ్లీ ప్రయత్నించండి.
dash-error-hand-off = ఈ సైన్-ఇన్ గడువు ముగిసింది లేదా చెల్లదు. దయచేసి సంస్థ వెబ్‌సైట్ లేదా యాప్ నుండి డాష్‌బోర్డ్‌ను మళ్లీ తెరవండి.
dash-error-pdf = పత్రాన్ని ప్రస్తుతం రూపొందించలేకపోయాము. మీ చరిత్రను స్ప్రెడ్‌షీట్‌గా (CSV) కూడా డౌన్‌లోడ్ చేయవచ్చు.
