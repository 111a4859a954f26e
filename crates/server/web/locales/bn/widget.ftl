## The cookie banner (/widget/v1/consent.js)
widget-title = এই সাইটে কুকি
widget-intro = প্রয়োজনীয় কুকি এই সাইটটি চালু রাখে এবং সবসময় চালু থাকে। আপনার সম্মতিতে আমরা বিভাগ অনুযায়ী অন্যান্য কুকিও ব্যবহার করি। সব গ্রহণ করুন, সব প্রত্যাখ্যান করুন বা প্রতিটি বিভাগের জন্য বেছে নিন; আপনি যেকোনো সময় আপনার পছন্দ বদলাতে পারেন।
widget-accept-all = সব গ্রহণ করুন
widget-reject-all = সব প্রত্যাখ্যান করুন
widget-customise = বিভাগ বেছে নিন
widget-save = আমার পছন্দ সংরক্ষণ করুন
widget-preferences = কুকি পছন্দ
widget-policy = কুকি নীতি
widget-always-on = সবসময় চালু।
widget-gpc = আপনার ব্রাউজারের গ্লোবাল প্রাইভেসি কন্ট্রোল সংকেত এই বিভাগটি প্রত্যাখ্যান করে।
widget-error = আপনার পছন্দ সংরক্ষণ করা যায়নি। অনুগ্রহ করে আবার চেষ্টা করুন।
widget-category-essential = প্রয়োজনীয়
widget-category-performance = কার্যক্ষমতা
widget-category-analytics = বিশ্লেষণ
widget-category-marketing = বিপণন

## The sample page with the banner (/widget/v1/demo)
widget-demo-title = কুকি ব্যানার সহ একটি নমুনা পাতা
widget-demo-intro = এই পাতাটি কুকি ব্যানারটি সেভাবে দেখায় যেভাবে কোনো ওয়েবসাইট তা রাখবে। আপনি বিশ্লেষণ কুকির অনুমতি না দেওয়া পর্যন্ত এর বিশ্লেষণ স্ক্রিপ্ট আটকে থাকে।
widget-demo-blocked = বিশ্লেষণ: অনুমতি না পাওয়া পর্যন্ত আটকানো।
widget-demo-running = বিশ্লেষণ: চলছে।
