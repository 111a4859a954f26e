## The cookie banner (/widget/v1/consent.js)
widget-title = এই ছাইটত কুকী
widget-intro = প্ৰয়োজনীয় কুকীয়ে এই ছাইটটো চলাই ৰাখে আৰু সদায় অন থাকে। আপোনাৰ সন্মতিৰে আমি শ্ৰেণী অনুসৰি আন কুকীও ব্যৱহাৰ কৰোঁ। সকলো গ্ৰহণ কৰক, সকলো প্ৰত্যাখ্যান কৰক বা প্ৰতিটো শ্ৰেণীৰ বাবে বাছক; আপুনি যিকোনো সময়তে আপোনাৰ পছন্দ সলনি কৰিব পাৰে।
widget-accept-all = সকলো গ্ৰহণ কৰক
widget-reject-all = সকলো প্ৰত্যাখ্যান কৰক
widget-customise = শ্ৰেণী বাছক
widget-save = মোৰ পছন্দ সংৰক্ষণ কৰক
widget-preferences = কুকী পছন্দ
widget-policy = কুকী নীতি
widget-always-on = সদায় অন।
widget-gpc = আপোনাৰ ব্ৰাউজাৰৰ গ্লোবেল প্ৰাইভেচী কণ্ট্ৰোল সংকেতে এই শ্ৰেণীটো প্ৰত্যাখ্যান কৰে।
widget-error = আপোনাৰ পছন্দ সংৰক্ষণ কৰিব পৰা নগ'ল। অনুগ্ৰহ কৰি পুনৰ চেষ্টা কৰক।
widget-category-essential = প্ৰয়োজনীয়
widget-category-performance = কাৰ্যদক্ষতা
widget-category-analytics = বিশ্লেষণ
widget-category-marketing = বিপণন

## The sample page with the banner (/widget/v1/demo)
widget-demo-title = কুকী বেনাৰ থকা এখন নমুনা পৃষ্ঠা
widget-demo-intro = এই পৃষ্ঠাখনে কুকী বেনাৰটো কোনো ৱেবছাইটে ৰখাৰ দৰে দেখুৱায়। আপুনি বিশ্লেষণ কুকীৰ অনুমতি নিদিয়ালৈকে ইয়াৰ বিশ্লেষণ স্ক্ৰিপ্ট বন্ধ থাকে।
widget-demo-blocked = বিশ্লেষণ: অনুমতি নোপোৱালৈকে বন্ধ।
widget-demo-running = বিশ্লেষণ: চলি আছে।
