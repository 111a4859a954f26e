## The principal's dashboard
dash-title = تُہٕنٛدۍ اِجازت
dash-nav-label = تُہُنٛد ڈیش بورڈ
dash-nav-consents = اِجازت
dash-nav-inbox = پیغام
dash-nav-cases = شکایَژ تہٕ درخواستہٕ
dash-sign-out = سائن آوٗٹ کٔرِو
dash-back = واپس

## Signing in
dash-signin-title = پنٕنۍ اِجازت وُچھنہٕ خٲطرٕ کٔرِو سائن اِن
dash-signin-intro = اَسۍ سوزو تَتھ موبائل نمبرس یا ای میل پَتس پؠٹھ اکہِ لٹہِ ہُنٛد کوڈ یُس اِدارن تُہٕنٛدِ خٲطرٕ تصدیق کوٚرمُت چھُ۔
dash-contact = موبائل نمبر یا ای میل پَتہٕ
dash-send-code = مےٚ سوزِو کوڈ
dash-contact-invalid = 10 ہندسن ہُنٛد موبائل نمبر یا ای میل پَتہٕ درج کٔرِو۔
dash-code-title = پنُن کوڈ درج کٔرِو
dash-code-sent = اگر { $contact } اِدارَس معلوٗم چھُ، شیٚن ہندسن ہُنٛد کوڈ چھُ سوزنہٕ یِوان۔ یہِ چھُ { $minutes } مِنٹن تام صحیح۔
dash-code = شیٚن ہندسن ہُنٛد کوڈ
dash-sign-in = سائن اِن کٔرِو
dash-code-again = نوٚو کوڈ مَنٛگِو
dash-code-wrong = کوڈ چھُ غلط، ختم گوٚمُت یا استعمال گوٚمُت۔ نوٚو کوڈ مَنٛگِو۔
dash-handoff-title = پنُن ڈیش بورڈ کھولِو
dash-handoff-intro = اِدارن یُس سائن اِن ٹوکن تۄہہِ دیُت، سُہ تھٲوِو یتھ۔
dash-token = سائن اِن ٹوکن
dash-open = کھولِو
dash-signed-out-title = تُہۍ چھِو سائن آوٗٹ گٲمتۍ
dash-signed-out = اِدارٕچ ویب سائٹ یا ایپہِ پؠٹھٕ کھولِو پنُن ڈیش بورڈ دوبارٕ۔

## Consents
dash-done = گوو: { $purpose } خٲطرٕ تُہُنٛد اِنتخاب آو درج کرنہٕ۔
dash-filter = اِجازت ژھانڈِو
dash-purpose = مقصد
dash-status = حالت
dash-any = کانٛہہ تہِ
dash-from = یمہِ تأریخہِ یا پتہٕ بدلہٕ آمٕژ
dash-to = یمہِ تأریخہِ یا برونٛہہ بدلہٕ آمٕژ
dash-apply = ہاوِو
dash-group-reconsent = دوبارٕ اِجازت مَنٛگنہٕ آمٕژ
dash-group-active = فعال
dash-group-expired = ختم گٲمٕژ
dash-group-withdrawn = واپس نِنہٕ آمٕژ
dash-group-denied = اِنکار کرنہٕ آمٕژ
dash-none = یتھ چھُ نہٕ کیٚنہہ۔
dash-notice = نوٹس { $notice }، ورژن { $version }
dash-reconsent = نوٹس چھُ بدلیومُت۔ مہربٲنی کٔرِتھ پٔرِو یہِ تہٕ دِیِو دوبارٕ اِجازت۔
dash-data = استعمال سپدن وول ڈیٹا
dash-changed = { $date } بدلہٕ آمٕژ
dash-expires = { $date } تام صحیح
dash-reconsent-button = دوبارٕ اِجازت دِیِو
dash-renew = تجدید کٔرِو
dash-grant = اِجازت دِیِو
dash-withdraw = اِجازت واپس نِیِو
dash-history = تأریخ
dash-export-title = پنٕنۍ تأریخ ڈاوٗن لوڈ کٔرِو
dash-export-csv = اسپریڈشیٹ کہِ صوٗرتس منٛز (CSV)
dash-export-record = اِجازتُک ریکارڈ (ISO/IEC 27560، JSON-LD)
dash-export-pdf = دستاویز کہِ صوٗرتس منٛز (PDF)
dash-pdf-title = تُہٕنٛزِ اِجازتٕچ تأریخ
dash-pdf-made = { $date } تیار کرنہٕ آمُت۔ ذٲتی ڈیٹا چھُ جُزوی طور پوشیدٕ تھٲوِتھ ہاونہٕ آمُت۔
dash-pdf-page = صفحہٕ { $page } از { $pages }
dash-consent = اِجازت
dash-choice = اِنتخاب
dash-choice-granted = دِنہٕ آمٕژ
dash-choice-denied = اِنکار کرنہٕ آمٕژ
dash-valid-until = کر تام صحیح

## A consent's history
dash-history-title = یمہِ اِجازتٕچ تأریخ
dash-version = ورژن
dash-when = کر
dash-event = کیا گوو
dash-by = کٔمۍ
dash-event-collected = دِنہٕ آمٕژ
dash-event-updated = بدلہٕ آمٕژ
dash-event-renewed = تجدید گٲمٕژ
dash-event-withdrawn = واپس نِنہٕ آمٕژ
dash-event-expired = ختم گٲمٕژ
dash-by-principal = تۄہہِ
dash-by-fiduciary = اِدارن
dash-by-system = پانہٕ پانے
dash-by-other = عملہٕ یا تُہٕنٛدۍ نامزد شخصن

## Messages
dash-ack = پٔرِتھ نِشان دِیِو
dash-read-on = { $date } پٔرِتھ

## Grievances and requests
dash-reference = حوالہٕ نمبر
dash-kind = قِسم
dash-filed = درج کرنُک تأریخ
dash-respond-by = جوابُک آخری تأریخ
dash-kind-grievance = شکایت
dash-kind-access = میٲنِس ڈیٹاہَس نقل
dash-kind-correction = میٲنِس ڈیٹاہَس منٛز دُرستی
dash-kind-erasure = میٲنۍ ڈیٹا مِٹٲوِو
dash-kind-nomination = کٲنٛسہِ نامزد کٔرِو
dash-case-submitted = موصوٗل
dash-case-acknowledged = رسید دِنہٕ آمٕژ
dash-case-in_progress = کارروٲیی جٲری
dash-case-escalated = اعلیٰ افسرس نِش سوزنہٕ آمٕژ
dash-case-resolved = حل کرنہٕ آمٕژ
dash-case-closed = بنٛد
dash-case-reopened = دوبارٕ مُژراونہٕ آمٕژ
dash-grievance-title = شکایت درج کٔرِو
dash-category = زُمرٕ
dash-description = کیا گوو؟
dash-file = سوزِو
dash-request-title = درخواست کٔرِو
dash-request-kind = تُہۍ کیا چھِو مَنٛگان؟
dash-details = تفصیل (اختیٲری)
dash-correction-field = دُرستی خٲطرٕ: کیا کرُن دُرست
dash-correction-value = دُرستی خٲطرٕ: صحیح قدر
dash-nominee-name = نامزدگی خٲطرٕ: شخصُن ناو
dash-nominee-contact = نامزدگی خٲطرٕ: تِہُنٛد موبائل نمبر یا ای میل پَتہٕ
dash-access-document = پنُن ڈیٹا ڈاوٗن لوڈ کٔرِو (JSON)

## Errors
dash-error-not-found = تُہٕنٛدِس کھاتس منٛز چھےٚ نہٕ یِژھ کانٛہہ اِجازت یا معاملہٕ۔
dash-error-refused = یہِ ہیوٚک نہٕ سپدِتھ۔ کیٚنہہ آو نہٕ بدلاونہٕ۔ مہربٲنی کٔرِتھ فارم جانٛچِو تہٕ کٔرِو دوبارٕ کوشش۔
dash-error-too-many = واریاہ کوششہٕ۔ مہربٲنی کٔرِتھ کیٚنہہ مِنٹ رُکِو تہٕ کٔرِو دوبارٕ کوشش۔
dash-error-input = فارم ہیوٚک نہٕ پٔرِتھ۔ مہربٲنی کٔرِتھ جانٛچِو تہٕ کٔرِو دوبارٕ کوشش۔
dash-error-hand-off = یہِ سائن اِن چھُ ختم گوٚمُت یا صحیح نہٕ۔ مہربٲنی کٔرِتھ اِدارٕچ ویب سائٹ یا ایپہِ پؠٹھٕ کھولِو ڈیش بورڈ دوبارٕ۔
dash-error-pdf = دستاویز ہیوٚک نہٕ وۄنۍ تیار سپدِتھ۔ تۄہؠ ہیٚکِو پنٕنۍ تأریخ اسپریڈشیٹ کہِ صوٗرتس منٛز (CSV) تہِ ڈاوٗن لوڈ کٔرِتھ۔
