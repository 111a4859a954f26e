## The principal's dashboard
dash-title = আপোনাৰ সন্মতিসমূহ
dash-nav-label = আপোনাৰ ডেচব'ৰ্ড
dash-nav-consents = সন্মতি
dash-nav-inbox = বাৰ্তা
dash-nav-cases = অভিযোগ আৰু অনুৰোধ
dash-sign-out = ছাইন আউট কৰক
dash-back = উভতি যাওক

## Signing in
dash-signin-title = আপোনাৰ সন্মতিসমূহ চাবলৈ ছাইন ইন কৰক
dash-signin-intro = প্ৰতিষ্ঠানে আপোনাৰ বাবে সত্যাপন কৰা ম'বাইল নম্বৰ বা ই-মেইল ঠিকনালৈ আমি এবাৰ ব্যৱহাৰযোগ্য ক'ড পঠিয়াম।
dash-contact = ম'বাইল নম্বৰ বা ই-মেইল ঠিকনা
dash-send-code = মোলৈ ক'ড পঠিয়াওক
dash-contact-invalid = ১০ অংকৰ ম'বাইল নম্বৰ বা ই-মেইল ঠিকনা দিয়ক।
dash-code-title = আপোনাৰ ক'ড দিয়ক
dash-code-sent = যদি { $contact } প্ৰতিষ্ঠানৰ জ্ঞাত, তেন্তে ছয় অংকৰ ক'ড পঠিওৱা হৈছে। ই { $minutes } মিনিটলৈ বৈধ।
dash-code = ছয় অংকৰ ক'ড
dash-sign-in = ছাইন ইন কৰক
dash-code-again = নতুন ক'ড বিচাৰক
dash-code-wrong = ক'ডটো ভুল, ম্যাদ উকলিছে বা ব্যৱহাৰ হৈ গৈছে। নতুন ক'ড বিচাৰক।
dash-handoff-title = আপোনাৰ ডেচব'ৰ্ড খোলক
dash-handoff-intro = প্ৰতিষ্ঠানে আপোনাক দিয়া ছাইন-ইন টোকেন ইয়াত পেষ্ট কৰক।
dash-token = ছাইন-ইন টোকেন
dash-open = খোলক
dash-signed-out-title = আপুনি ছাইন আউট হৈছে
dash-signed-out = প্ৰতিষ্ঠানৰ ৱেবছাইট বা এপৰ পৰা আপোনাৰ ডেচব'ৰ্ড পুনৰ খোলক।

## Consents
dash-done = হ'ল: { $purpose }ৰ বাবে আপোনাৰ পছন্দ লিপিবদ্ধ কৰা হ'ল।
dash-filter = সন্মতি বিচাৰক
dash-purpose = উদ্দেশ্য
dash-status = স্থিতি
dash-any = যিকোনো
dash-from = এই তাৰিখত বা পিছত সলনি হোৱা
dash-to = এই তাৰিখত বা আগতে সলনি হোৱা
dash-apply = দেখুৱাওক
dash-group-reconsent = পুনৰ সন্মতি বিচৰা হৈছে
dash-group-active = সক্ৰিয়
dash-group-expired = ম্যাদ উকলা
dash-group-withdrawn = প্ৰত্যাহাৰ কৰা
dash-group-denied = অস্বীকাৰ কৰা
dash-none = ইয়াত একো নাই।
dash-notice = জাননী { $notice }, সংস্কৰণ { $version }
dash-reconsent = জাননী সলনি হৈছে। অনুগ্ৰহ কৰি ইয়াক পঢ়ক আৰু পুনৰ সন্মতি দিয়ক।
dash-data = ব্যৱহৃত তথ্য
dash-changed = { $date } তাৰিখে সলনি হৈছে
dash-expires = { $date } লৈকে বৈধ
dash-reconsent-button = পুনৰ সন্মতি দিয়ক
dash-renew = নবীকৰণ কৰক
dash-grant = সন্মতি দিয়ক
dash-withdraw = সন্মতি প্ৰত্যাহাৰ কৰক
dash-history = ইতিহাস
dash-export-title = আপোনাৰ ইতিহাস ডাউনল'ড কৰক
dash-export-csv = স্প্ৰেডশ্বীট হিচাপে (CSV)
dash-export-record = সন্মতিৰ ৰেকৰ্ড হিচাপে (ISO/IEC 27560, JSON-LD)
dash-export-pdf = নথি হিচাপে (PDF)
dash-pdf-title = আপোনাৰ সন্মতিৰ ইতিহাস
dash-pdf-made = { $date } তাৰিখে প্ৰস্তুত কৰা হৈছে। ব্যক্তিগত তথ্য আংশিকভাৱে লুকুৱাই দেখুওৱা হৈছে।
dash-pdf-page = পৃষ্ঠা { $page } / { $pages }
dash-consent = সন্মতি
dash-choice = পছন্দ
dash-choice-granted = দিয়া হ'ল
dash-choice-denied = অস্বীকাৰ কৰা
dash-valid-until = কেতিয়ালৈকে বৈধ

## A consent's history
dash-history-title = এই সন্মতিৰ ইতিহাস
dash-version = সংস্কৰণ
dash-when = কেতিয়া
dash-event = কি হ'ল
dash-by = কোনে
dash-event-collected = দিয়া হ'ল
dash-event-updated = সলনি কৰা হ'ল
dash-event-renewed = নবীকৰণ কৰা হ'ল
dash-event-withdrawn = প্ৰত্যাহাৰ কৰা হ'ল
dash-event-expired = ম্যাদ উকলিল
dash-by-principal = আপুনি
dash-by-fiduciary = প্ৰতিষ্ঠান
dash-by-system = স্বয়ংক্ৰিয়ভাৱে
dash-by-other = কৰ্মচাৰী বা আপোনাৰ মনোনীত ব্যক্তি

## Messages
dash-ack = পঢ়া বুলি চিহ্নিত কৰক
dash-read-on = { $date } তাৰিখে পঢ়া হৈছে

## Grievances and requests
dash-reference = প্ৰসংগ নম্বৰ
dash-kind = প্ৰকাৰ
dash-filed = দাখিলৰ তাৰিখ
dash-respond-by = উত্তৰৰ শেষ তাৰিখ
dash-kind-grievance = অভিযোগ
dash-kind-access = মোৰ তথ্যৰ এটা প্ৰতিলিপি
dash-kind-correction = মোৰ তথ্য শুধৰণি
dash-kind-erasure = মোৰ তথ্য মচি পেলাওক
dash-kind-nomination = কাৰোবাক মনোনীত কৰক
dash-case-submitted = লাভ কৰা হৈছে
dash-case-acknowledged = প্ৰাপ্তি স্বীকাৰ কৰা হৈছে
dash-case-in_progress = কাম চলি আছে
dash-case-escalated = ঊৰ্ধ্বতন বিষয়ালৈ পঠিওৱা হৈছে
dash-case-resolved = সমাধান কৰা হৈছে
dash-case-closed = বন্ধ কৰা হৈছে
dash-case-reopened = পুনৰ খোলা হৈছে
dash-grievance-title = অভিযোগ দাখিল কৰক
dash-category = শ্ৰেণী
dash-description = কি হ'ল?
dash-file = পঠিয়াওক
dash-request-title = অনুৰোধ কৰক
dash-request-kind = আপুনি কি বিচাৰে?
dash-details = বিৱৰণ (ঐচ্ছিক)
dash-correction-field = শুধৰণিৰ বাবে: কি শুধৰাব লাগে
dash-correction-value = শুধৰণিৰ বাবে: শুদ্ধ মান
dash-nominee-name = মনোনয়নৰ বাবে: ব্যক্তিজনৰ নাম
dash-nominee-contact = মনোনয়নৰ বাবে: তেওঁৰ ম'বাইল নম্বৰ বা ই-মেইল ঠিকনা
dash-access-document = আপোনাৰ তথ্য ডাউনল'ড কৰক (JSON)

## Errors
dash-error-not-found = আপোনাৰ একাউণ্টত এনে কোনো সন্মতি বা গোচৰ নাই।
dash-error-refused = এইটো কৰিব পৰা নগ'ল। একো সলনি কৰা হোৱা নাই। অনুগ্ৰহ কৰি প্ৰপত্ৰখন পৰীক্ষা কৰি পুনৰ চেষ্টা কৰক।
dash-error-too-many = অতি বেছি চেষ্টা। অনুগ্ৰহ কৰি কেইমিনিটমান অপেক্ষা কৰি পুনৰ চেষ্টা কৰক।
dash-error-input = প্ৰপত্ৰখন পঢ়িব পৰা নগ'ল। অনুগ্ৰহ কৰি পৰীক্ষা কৰি পুনৰ চেষ্টা কৰক।
dash-error-hand-off = এই ছাইন-ইনৰ ম্যাদ উকলিছে বা ই বৈধ নহয়। অনুগ্ৰহ কৰি প্ৰতিষ্ঠানৰ ৱেবছাইট বা এপৰ পৰা ডেচব'ৰ্ড পুনৰ খোলক।
dash-error-pdf = নথিখন এতিয়া প্ৰস্তুত কৰিব পৰা নগ'ল। আপুনি আপোনাৰ ইতিহাস স্প্ৰেডশ্বীট হিচাপেও (CSV) ডাউনল'ড কৰিব পাৰে।
