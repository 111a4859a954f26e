## The principal's dashboard
dash-title = নহাক্কী য়াথংশিং
dash-nav-label = নহাক্কী দেশবোর্দ
dash-nav-consents = য়াথংশিং
dash-nav-inbox = পাউশিং
dash-nav-cases = নাকল পীবা অমসুং হায়জবা
dash-sign-out = সাইন আউত তৌবা
dash-back = হন্দোকপা

## Signing in
dash-signin-title = নহাক্কী য়াথংশিং উনবগীদমক সাইন ইন তৌবিয়ু
dash-signin-intro = অপাজিন্না নহাক্কীদমক শোয়দবা নাইদনা য়েংলবা মোবাইল নম্বর নত্রগা ই-মেল এদ্রেসতা ঐখোয়না অমুকতং শিজিন্নবা কোদ অমা থাগনি।
dash-contact = মোবাইল নম্বর নত্রগা ই-মেল এদ্রেস
dash-send-code = ঐঙোন্দা কোদ থাবিয়ু
dash-contact-invalid = মশিং ১০ লৈবা মোবাইল নম্বর নত্রগা ই-মেল এদ্রেস অমা হাপচিনবিয়ু।
dash-code-title = নহাক্কী কোদ হাপচিনবিয়ু
dash-code-sent = { $contact } অপাজিন্না খঙলবদি মশিং তরুক লৈবা কোদ অমা থাগদুনা লৈ। মসি মিনিৎ { $minutes } ফাওবা চলৈ।
dash-code = মশিং তরুক লৈবা কোদ
dash-sign-in = সাইন ইন তৌবা
dash-code-again = অনৌবা কোদ অমা হায়জবা
dash-code-wrong = কোদ অসি অরানবা, মতম লোইরবা নত্রগা শিজিন্নখ্রবা অমনি। অনৌবা অমা হায়জবিয়ু।
dash-handoff-title = নহাক্কী দেশবোর্দ হাংদোকপা
dash-handoff-intro = অপাজিন্না নহাক্কী পীবা সাইন-ইন তোকেন অসি মফম অসিদা পাইথোকউ।
dash-token = সাইন-ইন তোকেন
dash-open = হাংদোকপা
dash-signed-out-title = নহাক সাইন আউত তৌখ্রে
dash-signed-out = অপাজিনগী ৱেবসাইত নত্রগা এপতগী নহাক্কী দেশবোর্দ অমুক হন্না হাংদোকপিয়ু।

## Consents
dash-done = লোইরে: { $purpose } গীদমক নহাক্কী খনবা অসি ইথিল থম্লে।
dash-filter = য়াথংশিং থিবা
dash-purpose = পান্দম
dash-status = ফিবম
dash-any = কনাগুম্বা অমত্তা
dash-from = তাং অসিদা নত্রগা মতুংদা হোংলবা
dash-to = তাং অসিদা নত্রগা মমাংদা হোংলবা
dash-apply = উৎপা
dash-group-reconsent = অমুক হন্না য়াথং হায়জরবা
dash-group-active = চলিবা
dash-group-expired = মতম লোইরবা
dash-group-withdrawn = হন্দোকখ্রবা
dash-group-denied = য়াদবা
dash-none = মফম অসিদা করিসু লৈতে।
dash-notice = নোতিস { $notice }, ভর্সন { $version }
dash-reconsent = নোতিস অসি হোংখ্রে। চানবিদুনা পাবিয়ু অমসুং অমুক হন্না য়াথং পীবিয়ু।
dash-data = শিজিন্নবা দেতা
dash-changed = { $date } দা হোংখ্রে
dash-expires = { $date } ফাওবা চলৈ
dash-reconsent-button = অমুক হন্না য়াথং পীবা
dash-renew = অনৌবা শেম্বা
dash-grant = য়াথং পীবা
dash-withdraw = য়াথং হন্দোকপা
dash-history = পুৱারী
dash-export-title = নহাক্কী পুৱারী দাউনলোদ তৌবা
dash-export-csv = স্প্রেদশীত ওইনা (CSV)
dash-export-record = য়াথংগী রেকর্দ ওইনা (ISO/IEC 27560, JSON-LD)
dash-export-pdf = দোকুমেন্ত ওইনা (PDF)
dash-pdf-title = নহাক্কী য়াথংগী পুৱারী
dash-pdf-made = { $date } দা শেম্লে। মশাগী দেতা খরা থুপ্না উৎলি।
dash-pdf-page = লমায় { $page } / { $pages }
dash-consent = য়াথং
dash-choice = খনবা
dash-choice-granted = পীখ্রে
dash-choice-denied = য়াদবা
dash-valid-until = চলৈবা ফাওবা তাং

## A consent's history
dash-history-title = য়াথং অসিগী পুৱারী
dash-version = ভর্সন
dash-when = করি মতমদা
dash-event = করি থোকখিবগে
dash-by = কনানা
dash-event-collected = পীখ্রে
dash-event-updated = হোংখ্রে
dash-event-renewed = অনৌবা শেমখ্রে
dash-event-withdrawn = হন্দোকখ্রে
dash-event-expired = মতম লোইখ্রে
dash-by-principal = নহাক
dash-by-fiduciary = অপাজিন
dash-by-system = মথন্তা
dash-by-other = থবক শুবা নত্রগা নহাক্কী মমিং থোন্বা মী

## Messages
dash-ack = পারে হায়না খুদম থবা
dash-read-on = { $date } দা পারে

## Grievances and requests
dash-reference = রেফারেন্স নম্বর
dash-kind = মখল
dash-filed = থাখিবা তাং
dash-respond-by = পাউখুম পীনবগী অরোইবা তাং
dash-kind-grievance = নাকল পীবা
dash-kind-access = ঐগী দেতাগী কোপি অমা
dash-kind-correction = ঐগী দেতা শেমদোকপা
dash-kind-erasure = ঐগী দেতা মুত্থৎপা
dash-kind-nomination = কনাগুম্বা অমগী মমিং থোন্বা
dash-case-submitted = ফংলে
dash-case-acknowledged = ফংখিবা শক্তাক পীরে
dash-case-in_progress = থবক চৎলি
dash-case-escalated = মথক্কী অফিসরদা থারে
dash-case-resolved = লোইশিনখ্রে
dash-case-closed = লোইখ্রে
dash-case-reopened = অমুক হাংদোকখ্রে
dash-grievance-title = নাকল পীবা থাবা
dash-category = কেতেগোরি
dash-description = করি থোকখিবগে?
dash-file = থাবা
dash-request-title = হায়জবা থাবা
dash-request-kind = নহাক্না করি হায়জবগে?
dash-details = অকুপ্পা (পাম্বা পুক্নিং)
dash-correction-field = শেমদোকপগীদমক: করি শেমদোকপগে
dash-correction-value = শেমদোকপগীদমক: চুম্বা মমল
dash-nominee-name = মমিং থোন্বগীদমক: মীওইবা অদুগী মমিং
dash-nominee-contact = মমিং থোন্বগীদমক: মখোয়গী মোবাইল নম্বর নত্রগা ই-মেল এদ্রেস
dash-access-document = নহাক্কী দেতা দাউনলোদ তৌবা (JSON)

## Errors
dash-error-not-found = নহাক্কী একাউন্ততা অসুম্বা য়াথং নত্রগা কেস অমত্তা লৈতে।
dash-error-refused = মসি তৌবা ঙমদ্রে। করিসু হোংদ্রে। চানবিদুনা ফোর্ম য়েংবিদুনা অমুক হন্না হোৎনবিয়ু।
dash-error-too-many = হোৎনবা য়াম্না মরাং কায়ৈ। চানবিদুনা মিনিৎ খরা উবিদুনা অমুক হন্না হোৎনবিয়ু।
dash-error-input = ফোর্ম পাবা ঙমদ্রে। চানবিদুনা য়েংবিদুনা অমুক হন্না হোৎনবিয়ু।
dash-error-hand-off = সাইন-ইন অসি মতম লোইখ্রে নত্রগা চলৈদে। চানবিদুনা অপাজিনগী ৱেবসাইত নত্রগা এপতগী দেশবোর্দ অমুক হন্না হাংদোকপিয়ু।
dash-error-pdf = দোকুমেন্ত অসি হৌজিক শেমবা ঙমদ্রে। নহাক্কী পুৱারী স্প্রেদশীত ওইনসু (CSV) দাউনলোদ তৌবা ঙম্মি।
