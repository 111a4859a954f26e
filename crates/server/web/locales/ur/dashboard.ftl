## The principal's dashboard
dash-title = آپ کی رضامندیاں
dash-nav-label = آپ کا ڈیش بورڈ
dash-nav-consents = رضامندیاں
dash-nav-inbox = پیغامات
dash-nav-cases = شکایات اور درخواستیں
dash-sign-out = سائن آؤٹ کریں
dash-back = واپس

## Signing in
dash-signin-title = اپنی رضامندیاں دیکھنے کے لیے سائن ان کریں
dash-signin-intro = ہم اس موبائل نمبر یا ای میل پتے پر ایک بار کا کوڈ بھیجیں گے جس کی ادارے نے آپ کے لیے تصدیق کی ہے۔
dash-contact = موبائل نمبر یا ای میل پتہ
dash-send-code = مجھے کوڈ بھیجیں
dash-contact-invalid = 10 ہندسوں کا موبائل نمبر یا ای میل پتہ درج کریں۔
dash-code-title = اپنا کوڈ درج کریں
dash-code-sent = اگر { $contact } ادارے کو معلوم ہے تو چھ ہندسوں کا کوڈ بھیجا جا رہا ہے۔ یہ { $minutes } منٹ تک درست ہے۔
dash-code = چھ ہندسوں کا کوڈ
dash-sign-in = سائن ان کریں
dash-code-again = نیا کوڈ مانگیں
dash-code-wrong = کوڈ غلط ہے، ختم ہو چکا ہے یا استعمال ہو چکا ہے۔ نیا کوڈ مانگیں۔
dash-handoff-title = اپنا ڈیش بورڈ کھولیں
dash-handoff-intro = ادارے کا دیا ہوا سائن ان ٹوکن یہاں چسپاں کریں۔
dash-token = سائن ان ٹوکن
dash-open = کھولیں
dash-signed-out-title = آپ سائن آؤٹ ہو چکے ہیں
dash-signed-out = ادارے کی ویب سائٹ یا ایپ سے اپنا ڈیش بورڈ دوبارہ کھولیں۔

## Consents
dash-done = ہو گیا: { $purpose } کے لیے آپ کا انتخاب درج کر لیا گیا ہے۔
dash-filter = رضامندیاں تلاش کریں
dash-purpose = مقصد
dash-status = حالت
dash-any = کوئی بھی
dash-from = اس تاریخ کو یا اس کے بعد بدلی گئی
dash-to = اس تاریخ کو یا اس سے پہلے بدلی گئی
dash-apply = دکھائیں
dash-group-reconsent = دوبارہ رضامندی مانگی گئی
dash-group-active = فعال
dash-group-expired = ختم شدہ
dash-group-withdrawn = واپس لی گئی
dash-group-denied = انکار شدہ
dash-none = یہاں کچھ نہیں ہے۔
dash-notice = نوٹس { $notice }، ورژن { $version }
dash-reconsent = نوٹس بدل گیا ہے۔ براہ کرم اسے پڑھیں اور دوبارہ رضامندی دیں۔
dash-data = استعمال ہونے والا ڈیٹا
dash-changed = { $date } کو بدلی گئی
dash-expires = { $date } تک درست
dash-reconsent-button = دوبارہ رضامندی دیں
dash-renew = تجدید کریں
dash-grant = رضامندی دیں
dash-withdraw = رضامندی واپس لیں
dash-history = تاریخچہ
dash-export-title = اپنا تاریخچہ ڈاؤن لوڈ کریں
dash-export-csv = اسپریڈشیٹ کے طور پر (CSV)
dash-export-record = رضامندی کے ریکارڈ کے طور پر (ISO/IEC 27560، JSON-LD)
dash-export-pdf = دستاویز کے طور پر (PDF)
dash-pdf-title = آپ کی رضامندی کا تاریخچہ
dash-pdf-made = { $date } کو تیار کیا گیا۔ ذاتی ڈیٹا جزوی طور پر چھپا کر دکھایا گیا ہے۔
dash-pdf-page = صفحہ { $page } از { $pages }
dash-consent = رضامندی
dash-choice = انتخاب
dash-choice-granted = دی گئی
dash-choice-denied = انکار شدہ
dash-valid-until = کب تک درست

## A consent's history
dash-history-title = اس رضامندی کا تاریخچہ
dash-version = ورژن
dash-when = کب
dash-event = کیا ہوا
dash-by = کس نے
dash-event-collected = دی گئی
dash-event-updated = بدلی گئی
dash-event-renewed = تجدید ہوئی
dash-event-withdrawn = واپس لی گئی
dash-event-expired = ختم ہوئی
dash-by-principal = آپ نے
dash-by-fiduciary = ادارے نے
dash-by-system = خودکار طور پر
dash-by-other = عملے یا آپ کے نامزد شخص نے

## Messages
dash-ack = پڑھا ہوا نشان زد کریں
dash-read-on = { $date } کو پڑھا

## Grievances and requests
dash-reference = حوالہ نمبر
dash-kind = قسم
dash-filed = درج کرنے کی تاریخ
dash-respond-by = جواب کی آخری تاریخ
dash-kind-grievance = شکایت
dash-kind-access = میرے ڈیٹا کی نقل
dash-kind-correction = میرے ڈیٹا کی درستی
dash-kind-erasure = میرا ڈیٹا مٹائیں
dash-kind-nomination = کسی کو نامزد کریں
dash-case-submitted = موصول ہوئی
dash-case-acknowledged = وصولی کی تصدیق ہو گئی
dash-case-in_progress = کارروائی جاری ہے
dash-case-escalated = اعلیٰ افسر کو بھیجی گئی
dash-case-resolved = حل ہو گئی
dash-case-closed = بند
dash-case-reopened = دوبارہ کھولی گئی
dash-grievance-title = شکایت درج کریں
dash-category = زمرہ
dash-description = کیا ہوا؟
dash-file = بھیجیں
dash-request-title = درخواست کریں
dash-request-kind = آپ کیا مانگتے ہیں؟
dash-details = تفصیل (اختیاری)
dash-correction-field = درستی کے لیے: کیا درست کرنا ہے
dash-correction-value = درستی کے لیے: صحیح قدر
dash-nominee-name = نامزدگی کے لیے: اس شخص کا نام
dash-nominee-contact = نامزدگی کے لیے: ان کا موبائل نمبر یا ای میل پتہ
dash-access-document = اپنا ڈیٹا ڈاؤن لوڈ کریں (JSON)

## Errors
dash-error-not-found = آپ کے کھاتے میں ایسی کوئی رضامندی یا معاملہ نہیں ہے۔
dash-error-refused = یہ نہیں ہو سکا۔ کچھ نہیں بدلا گیا۔ براہ کرم فارم جانچیں اور دوبارہ کوشش کریں۔
dash-error-too-many = بہت زیادہ کوششیں۔ براہ کرم چند منٹ انتظار کریں اور دوبارہ کوشش کریں۔
dash-error-input = فارم پڑھا نہیں جا سکا۔ براہ کرم اسے جانچیں اور دوبارہ کوشش کریں۔
dash-error-hand-off = یہ سائن ان ختم ہو چکا ہے یا درست نہیں ہے۔ براہ کرم ادارے کی ویب سائٹ یا ایپ سے ڈیش بورڈ دوبارہ کھولیں۔
dash-error-pdf = دستاویز ابھی تیار نہیں ہو سکی۔ آپ اپنا تاریخچہ اسپریڈشیٹ کے طور پر (CSV) بھی ڈاؤن لوڈ کر سکتے ہیں۔
