## The principal's dashboard
dash-title = உங்கள் ஒப்புதல்கள்
dash-nav-label = உங்கள் டாஷ்போர்டு
dash-nav-consents = ஒப்புதல்கள்
dash-nav-inbox = செய்திகள்
dash-nav-cases = குறைகள் மற்றும் கோரிக்கைகள்
dash-sign-out = வெளியேறு
dash-back = பின்செல்

## Signing in
dash-signin-title = உங்கள் ஒப்புதல்களைக் காண உள்நுழையவும்
dash-signin-intro = நிறுவனம் உங்களுக்காகச் சரிபார்த்த கைபேசி எண் அல்லது மின்னஞ்சல் முகவரிக்கு ஒருமுறை குறியீட்டை அனுப்புவோம்.
dash-contact = கைபேசி எண் அல்லது மின்னஞ்சல் முகவரி
dash-send-code = எனக்குக் குறியீட்டை அனுப்பு
dash-contact-invalid = 10 இலக்கக் கைபேசி எண் அல்லது மின்னஞ்சல் முகவரியை உள்ளிடவும்.
dash-code-title = உங்கள் குறியீட்டை உள்ளிடவும்
dash-code-sent = { $contact } நிறுவனத்துக்குத் தெரிந்திருந்தால், ஆறு இலக்கக் குறியீடு அனுப்பப்படுகிறது. அது { $minutes } நிமிடங்கள் செல்லுபடியாகும்.
dash-code = ஆறு இலக்கக் குறியீடு
dash-sign-in = உள்நுழை
dash-code-again = புதிய குறியீட்டைக் கேள்
dash-code-wrong = குறியீடு தவறானது, காலாவதியானது அல்லது ஏற்கெனவே பயன்படுத்தப்பட்டது. புதியதைக் கேளுங்கள்.
dash-handoff-title = உங்கள் டாஷ்போர்டைத் திற
dash-handoff-intro = நிறுவனம் உங்களுக்குக் கொடுத்த உள்நுழைவு டோக்கனை இங்கே ஒட்டவும்.
dash-token = உள்நுழைவு டோக்கன்
dash-open = திற
dash-signed-out-title = நீங்கள் வெளியேறிவிட்டீர்கள்
dash-signed-out = நிறுவனத்தின் இணையதளம் அல்லது செயலியிலிருந்து உங்கள் டாஷ்போர்டை மீண்டும் திறக்கவும்.

## Consents
dash-done = முடிந்தது: { $purpose } க்கான உங்கள் தேர்வு பதிவு செய்யப்பட்டது.
dash-filter = ஒப்புதல்களைத் தேடு
dash-purpose = நோக்கம்
dash-status = நிலை
dash-any = ஏதேனும்
dash-from = இந்தத் தேதியில் அல்லது பின் மாற்றப்பட்டவை
dash-to = இந்தத் தேதியில் அல்லது முன் மாற்றப்பட்டவை
dash-apply = காட்டு
dash-group-reconsent = மீண்டும் ஒப்புதல் கேட்கப்பட்டவை
dash-group-active = செயலில் உள்ளவை
dash-group-expired = காலாவதியானவை
dash-group-withdrawn = திரும்பப் பெறப்பட்டவை
dash-group-denied = மறுக்கப்பட்டவை
dash-none = இங்கே எதுவும் இல்லை.
dash-notice = அறிவிப்பு { $notice }, பதிப்பு { $version }
dash-reconsent = அறிவிப்பு மாறியுள்ளது. அதைப் படித்து மீண்டும் ஒப்புதல் அளிக்கவும்.
dash-data = பயன்படுத்தப்படும் தரவு
dash-changed = { $date } அன்று மாற்றப்பட்டது
dash-expires = { $date } வரை செல்லுபடியாகும்
dash-reconsent-button = மீண்டும் ஒப்புதல் அளி
dash-renew = புதுப்பி
dash-grant = ஒப்புதல் அளி
dash-withdraw = ஒப்புதலைத் திரும்பப் பெறு
dash-history = வரலாறு
dash-export-title = உங்கள் வரலாற்றைப் பதிவிறக்கு
dash-export-csv = விரிதாளாக (CSV)
dash-export-record = ஒப்புதல் பதிவாக (ISO/IEC 27560, JSON-LD)
dash-export-pdf = ஆவணமாக (PDF)
dash-pdf-title = உங்கள் ஒப்புதல் வரலாறு
dash-pdf-made = { $date } அன்று உருவாக்கப்பட்டது. தனிப்பட்ட தரவு பகுதியளவு மறைக்கப்பட்டுக் காட்டப்படுகிறது.
dash-pdf-page = { $pages } பக்கங்களில் பக்கம் { $page }
dash-consent = ஒப்புதல்
dash-choice = தேர்வு
dash-choice-granted = அளிக்கப்பட்டது
dash-choice-denied = மறுக்கப்பட்டது
dash-valid-until = எதுவரை செல்லுபடியாகும்

## A consent's history
dash-history-title = இந்த ஒப்புதலின் வரலாறு
dash-version = பதிப்பு
dash-when = எப்போது
dash-event = என்ன நடந்தது
dash-by = யாரால்
dash-event-collected = அளிக்கப்பட்டது
dash-event-updated = மாற்றப்பட்டது
dash-event-renewed = புதுப்பிக்கப்பட்டது
dash-event-withdrawn = திரும்பப் பெறப்பட்டது
dash-event-expired = காலாவதியானது
dash-by-principal = நீங்கள்
dash-by-fiduciary = நிறுவனம்
dash-by-system = தானாக
dash-by-other = பணியாளர் அல்லது உங்கள் நியமனதாரர்

## Messages
dash-ack = படித்ததாகக் குறி
dash-read-on = { $date } அன்று படிக்கப்பட்டது

## Grievances and requests
dash-reference = குறிப்பு எண்
dash-kind = வகை
dash-filed = பதிவு செய்த தேதி
dash-respond-by = பதில் அளிக்க வேண்டிய கடைசி தேதி
dash-kind-grievance = குறை
dash-kind-access = என் தரவின் நகல்
dash-kind-correction = என் தரவைத் திருத்துதல்
dash-kind-erasure = என் தரவை அழித்தல்
dash-kind-nomination = ஒருவரை நியமித்தல்
dash-case-submitted = பெறப்பட்டது
dash-case-acknowledged = ஒப்புகை அளிக்கப்பட்டது
dash-case-in_progress = நடவடிக்கையில் உள்ளது
dash-case-escalated = மூத்த அலுவலருக்கு உயர்த்தப்பட்டது
dash-case-resolved = தீர்வு காணப்பட்டது
dash-case-closed = முடிக்கப்பட்டது
dash-case-reopened = மீண்டும் திறக்கப்பட்டது
dash-grievance-title = குறையைப் பதிவு செய்
dash-category = வகைப்பாடு
dash-description = என்ன நடந்தது?
dash-file = அனுப்பு
dash-request-title = கோரிக்கை வை
dash-request-kind = நீங்கள் என்ன கேட்கிறீர்கள்?
dash-details = விவரங்கள் (விருப்பத்திற்குரியது)
dash-correction-field = திருத்தத்திற்கு: எதைத் திருத்த வேண்டும்
dash-correction-value = திருத்தத்திற்கு: சரியான மதிப்பு
dash-nominee-name = நியமனத்திற்கு: அவரது பெயர்
dash-nominee-contact = நியமனத்திற்கு: அவரது கைபேசி எண் அல்லது மின்னஞ்சல் முகவரி
dash-access-document = உங்கள் தரவைப் பதிவிறக்கு (JSON)

## Errors
dash-error-not-found = உங்கள் கணக்கில் அப்படி ஒரு ஒப்புதலோ வழக்கோ இல்லை.
dash-error-refused = இதைச் செய்ய முடியவில்லை. எதுவும் மாற்றப்படவில்லை. படிவத்தைச் சரிபார்த்து மீண்டும் முயலவும்.
dash-error-too-many = மிக அதிக முயற்சிகள். சில நிமிடங்கள் காத்திருந்து மீண்டும் முயலவும்.
dash-error-input = படிவத்தைப் படிக்க முடியவில்லை. சரிபார்த்து மீண்டும் முயலவும்.
dash-error-hand-off = இந்த உள்நுழைவு காலாவதியானது அல்லது செல்லாது. நிறுவனத்தின் இணையதளம் அல்லது செயலியிலிருந்து டாஷ்போர்டை மீண்டும் திறக்கவும்.
dash-error-pdf = ஆவணத்தை இப்போது உருவாக்க முடியவில்லை. உங்கள் வரலாற்றை விரிதாளாகவும் (CSV) பதிவிறக்கலாம்.
