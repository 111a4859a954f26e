## The principal's dashboard
dash-title = আপনার সম্মতিগুলি
dash-nav-label = আপনার ড্যাশবোর্ড
dash-nav-consents = সম্মতি
dash-nav-inbox = বার্তা
dash-nav-cases = অভিযোগ ও অনুরোধ
dash-sign-out = সাইন আউট করুন
dash-back = ফিরে যান

## Signing in
dash-signin-title = আপনার সম্মতিগুলি দেখতে সাইন ইন করুন
dash-signin-intro = প্রতিষ্ঠান আপনার জন্য যে মোবাইল নম্বর বা ই-মেল ঠিকানা যাচাই করেছে, সেখানে আমরা একটি এককালীন কোড পাঠাব।
dash-contact = মোবাইল নম্বর বা ই-মেল ঠিকানা
dash-send-code = আমাকে একটি কোড পাঠান
dash-contact-invalid = ১০ অঙ্কের মোবাইল নম্বর বা একটি ই-মেল ঠিকানা লিখুন।
dash-code-title = আপনার কোড লিখুন
dash-code-sent = { $contact } প্রতিষ্ঠানের কাছে পরিচিত হলে একটি ছয় অঙ্কের কোড পাঠানো হচ্ছে। এটি { $minutes } মিনিট বৈধ।
dash-code = ছয় অঙ্কের কোড
dash-sign-in = সাইন ইন করুন
dash-code-again = নতুন কোড চান
dash-code-wrong = কোডটি ভুল, মেয়াদোত্তীর্ণ বা ব্যবহৃত। নতুন কোড চান।
dash-handoff-title = আপনার ড্যাশবোর্ড খুলুন
dash-handoff-intro = প্রতিষ্ঠান আপনাকে যে সাইন-ইন টোকেন দিয়েছে তা এখানে পেস্ট করুন।
dash-token = সাইন-ইন টোকেন
dash-open = খুলুন
dash-signed-out-title = আপনি সাইন আউট হয়েছেন
dash-signed-out = প্রতিষ্ঠানের ওয়েবসাইট বা অ্যাপ থেকে আবার আপনার ড্যাশবোর্ড খুলুন।

## Consents
dash-done = সম্পন্ন: { $purpose }-এর জন্য আপনার পছন্দ নথিভুক্ত হয়েছে।
dash-filter = সম্মতি খুঁজুন
dash-purpose = উদ্দেশ্য
dash-status = অবস্থা
dash-any = যেকোনো
dash-from = এই তারিখে বা পরে পরিবর্তিত
dash-to = এই তারিখে বা আগে পরিবর্তিত
dash-apply = দেখান
dash-group-reconsent = আবার সম্মতি চাওয়া হয়েছে
dash-group-active = সক্রিয়
dash-group-expired = মেয়াদোত্তীর্ণ
dash-group-withdrawn = প্রত্যাহৃত
dash-group-denied = প্রত্যাখ্যাত
dash-none = এখানে কিছু নেই।
dash-notice = বিজ্ঞপ্তি { $notice }, সংস্করণ { $version }
dash-reconsent = বিজ্ঞপ্তিটি বদলেছে। অনুগ্রহ করে এটি পড়ুন এবং আবার সম্মতি দিন।
dash-data = ব্যবহৃত তথ্য
dash-changed = { $date } তারিখে পরিবর্তিত
dash-expires = { $date } পর্যন্ত বৈধ
dash-reconsent-button = আবার সম্মতি দিন
dash-renew = নবীকরণ করুন
dash-grant = সম্মতি দিন
dash-withdraw = সম্মতি প্রত্যাহার করুন
dash-history = ইতিহাস
dash-export-title = আপনার ইতিহাস ডাউনলোড করুন
dash-export-csv = স্প্রেডশিট হিসেবে (CSV)
dash-export-record = সম্মতির রেকর্ড হিসেবে (ISO/IEC 27560, JSON-LD)
dash-export-pdf = নথি হিসেবে (PDF)
dash-pdf-title = আপনার সম্মতির ইতিহাস
dash-pdf-made = { $date } তারিখে তৈরি। ব্যক্তিগত তথ্য আংশিকভাবে লুকিয়ে দেখানো হয়েছে।
dash-pdf-page = পাতা { $page } / { $pages }
dash-consent = সম্মতি
dash-choice = পছন্দ
dash-choice-granted = দেওয়া হয়েছে
dash-choice-denied = প্রত্যাখ্যাত
dash-valid-until = কবে পর্যন্ত বৈধ

## A consent's history
dash-history-title = এই সম্মতির ইতিহাস
dash-version = সংস্করণ
dash-when = কখন
dash-event = কী ঘটেছে
dash-by = কে করেছে
dash-event-collected = দেওয়া হয়েছে
dash-event-updated = পরিবর্তিত
dash-event-renewed = নবীকৃত
dash-event-withdrawn = প্রত্যাহৃত
dash-event-expired = মেয়াদোত্তীর্ণ
dash-by-principal = আপনি
dash-by-fiduciary = প্রতিষ্ঠান
dash-by-system = স্বয়ংক্রিয়ভাবে
dash-by-other = কর্মী বা আপনার মনোনীত ব্যক্তি

## Messages
dash-ack = পঠিত হিসেবে চিহ্নিত করুন
dash-read-on = { $date } তারিখে পড়া হয়েছে

## Grievances and requests
dash-reference = রেফারেন্স নম্বর
dash-kind = ধরন
dash-filed = জমার তারিখ
dash-respond-by = উত্তরের শেষ তারিখ
dash-kind-grievance = অভিযোগ
dash-kind-access = আমার তথ্যের একটি অনুলিপি
dash-kind-correction = আমার তথ্য সংশোধন
dash-kind-erasure = আমার তথ্য মুছে ফেলা
dash-kind-nomination = কাউকে মনোনীত করা
dash-case-submitted = গৃহীত
dash-case-acknowledged = প্রাপ্তি স্বীকার করা হয়েছে
dash-case-in_progress = কাজ চলছে
dash-case-escalated = ঊর্ধ্বতন আধিকারিকের কাছে পাঠানো হয়েছে
dash-case-resolved = নিষ্পত্তি হয়েছে
dash-case-closed = বন্ধ
dash-case-reopened = আবার খোলা হয়েছে
dash-grievance-title = অভিযোগ দায়ের করুন
dash-category = বিভাগ
dash-description = কী ঘটেছে?
dash-file = পাঠান
dash-request-title = অনুরোধ করুন
dash-request-kind = আপনি কী চান?
dash-details = বিবরণ (ঐচ্ছিক)
dash-correction-field = সংশোধনের জন্য: কী সংশোধন করতে হবে
dash-correction-value = সংশোধনের জন্য: সঠিক মান
dash-nominee-name = মনোনয়নের জন্য: ব্যক্তির নাম
dash-nominee-contact = মনোনয়নের জন্য: তাঁর মোবাইল নম্বর বা ই-মেল ঠিকানা
dash-access-document = আপনার তথ্য ডাউনলোড করুন (JSON)

## Errors
dash-error-not-found = আপনার অ্যাকাউন্টে এমন কোনো সম্মতি বা মামলা নেই।
dash-error-refused = এটি করা যায়নি। কিছুই বদলানো হয়নি। অনুগ্রহ করে ফর্মটি দেখে আবার চেষ্টা করুন।
dash-error-too-many = অনেক বেশি চেষ্টা। অনুগ্রহ করে কয়েক মিনিট অপেক্ষা করে আবার চেষ্টা করুন।
dash-error-input = ফর্মটি পড়া যায়নি। অনুগ্রহ করে দেখে আবার চেষ্টা করুন।
dash-error-hand-off = এই সাইন-ইনের মেয়াদ শেষ বা এটি বৈধ নয়। অনুগ্রহ করে প্রতিষ্ঠানের ওয়েবসাইট বা অ্যাপ থেকে আবার ড্যাশবোর্ড খুলুন।
dash-error-pdf = নথিটি এখন তৈরি করা যায়নি। আপনি আপনার ইতিহাস স্প্রেডশিট হিসেবেও (CSV) ডাউনলোড করতে পারেন।
