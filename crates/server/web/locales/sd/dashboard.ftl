## The principal's dashboard
dash-title = توهان جون رضامنديون
dash-nav-label = توهان جو ڊيش بورڊ
dash-nav-consents = رضامنديون
dash-nav-inbox = پيغام
dash-nav-cases = شڪايتون ۽ درخواستون
dash-sign-out = سائن آئوٽ ڪريو
dash-back = واپس

## Signing in
dash-signin-title = پنهنجون رضامنديون ڏسڻ لاءِ سائن ان ڪريو
dash-signin-intro = اسين ان موبائل نمبر يا اي ميل پتي تي هڪ ڀيري وارو ڪوڊ موڪلينداسين جنهن جي اداري توهان لاءِ تصديق ڪئي آهي.
dash-contact = موبائل نمبر يا اي ميل پتو
dash-send-code = مون کي ڪوڊ موڪليو
dash-contact-invalid = 10 انگن وارو موبائل نمبر يا اي ميل پتو داخل ڪريو.
dash-code-title = پنهنجو ڪوڊ داخل ڪريو
dash-code-sent = جيڪڏهن { $contact } اداري کي معلوم آهي ته ڇهن انگن وارو ڪوڊ موڪليو پيو وڃي. اهو { $minutes } منٽن تائين صحيح آهي.
dash-code = ڇهن انگن وارو ڪوڊ
dash-sign-in = سائن ان ڪريو
dash-code-again = نئون ڪوڊ گهرو
dash-code-wrong = ڪوڊ غلط آهي، ختم ٿي ويو آهي يا استعمال ٿي چڪو آهي. نئون ڪوڊ گهرو.
dash-handoff-title = پنهنجو ڊيش بورڊ کوليو
dash-handoff-intro = اداري جو ڏنل سائن ان ٽوڪن هتي چنبڙايو.
dash-token = سائن ان ٽوڪن
dash-open = کوليو
dash-signed-out-title = توهان سائن آئوٽ ٿي چڪا آهيو
dash-signed-out = اداري جي ويب سائيٽ يا ايپ تان پنهنجو ڊيش بورڊ ٻيهر کوليو.

## Consents
dash-done = ٿي ويو: { $purpose } لاءِ توهان جي چونڊ درج ڪئي وئي آهي.
dash-filter = رضامنديون ڳوليو
dash-purpose = مقصد
dash-status = حالت
dash-any = ڪا به
dash-from = هن تاريخ تي يا ان کان پوءِ بدليل
dash-to = هن تاريخ تي يا ان کان اڳ بدليل
dash-apply = ڏيکاريو
dash-group-reconsent = ٻيهر رضامندي گهريل
dash-group-active = فعال
dash-group-expired = ختم ٿيل
dash-group-withdrawn = واپس ورتل
dash-group-denied = انڪار ڪيل
dash-none = هتي ڪجهه به ناهي.
dash-notice = نوٽيس { $notice }، ورزن { $version }
dash-reconsent = نوٽيس بدلجي ويو آهي. مهرباني ڪري اهو پڙهو ۽ ٻيهر رضامندي ڏيو.
dash-data = استعمال ٿيندڙ ڊيٽا
dash-changed = { $date } تي بدليل
dash-expires = { $date } تائين صحيح
dash-reconsent-button = ٻيهر رضامندي ڏيو
dash-renew = تجديد ڪريو
dash-grant = رضامندي ڏيو
dash-withdraw = رضامندي واپس وٺو
dash-history = تاريخ
dash-export-title = پنهنجي تاريخ ڊائون لوڊ ڪريو
dash-export-csv = اسپريڊ شيٽ طور (CSV)
dash-export-record = رضامندي جي رڪارڊ طور (ISO/IEC 27560، JSON-LD)
dash-export-pdf = دستاويز طور (PDF)
dash-pdf-title = توهان جي رضامندي جي تاريخ
dash-pdf-made = { $date } تي تيار ڪيل. ذاتي ڊيٽا جزوي طور لڪائي ڏيکاري وئي آهي.
dash-pdf-page = { $pages } مان صفحو { $page }
dash-consent = رضامندي
dash-choice = چونڊ
dash-choice-granted = ڏني وئي
dash-choice-denied = انڪار ڪيل
dash-valid-until = ڪڏهن تائين صحيح

## A consent's history
dash-history-title = هن رضامندي جي تاريخ
dash-version = ورزن
dash-when = ڪڏهن
dash-event = ڇا ٿيو
dash-by = ڪنهن
dash-event-collected = ڏني وئي
dash-event-updated = بدلائي وئي
dash-event-renewed = تجديد ٿي
dash-event-withdrawn = واپس ورتي وئي
dash-event-expired = ختم ٿي
dash-by-principal = توهان
dash-by-fiduciary = ادارو
dash-by-system = پاڻمرادو
dash-by-other = عملو يا توهان جو نامزد شخص

## Messages
dash-ack = پڙهيل طور نشان لڳايو
dash-read-on = { $date } تي پڙهيو

## Grievances and requests
dash-reference = حوالي نمبر
dash-kind = قسم
dash-filed = داخل ڪرڻ جي تاريخ
dash-respond-by = جواب جي آخري تاريخ
dash-kind-grievance = شڪايت
dash-kind-access = منهنجي ڊيٽا جي نقل
dash-kind-correction = منهنجي ڊيٽا ۾ درستي
dash-kind-erasure = منهنجي ڊيٽا ميٽايو
dash-kind-nomination = ڪنهن کي نامزد ڪريو
dash-case-submitted = ملي وئي
dash-case-acknowledged = وصولي جي تصديق ٿي وئي
dash-case-in_progress = ڪارروائي جاري آهي
dash-case-escalated = اعليٰ آفيسر ڏانهن موڪلي وئي
dash-case-resolved = حل ٿي وئي
dash-case-closed = بند
dash-case-reopened = ٻيهر کولي وئي
dash-grievance-title = شڪايت داخل ڪريو
dash-category = زمرو
dash-description = ڇا ٿيو؟
dash-file = موڪليو
dash-request-title = درخواست ڪريو
dash-request-kind = توهان ڇا ٿا گهرو؟
dash-details = تفصيل (اختياري)
dash-correction-field = درستي لاءِ: ڇا درست ڪجي
dash-correction-value = درستي لاءِ: صحيح قدر
dash-nominee-name = نامزدگي لاءِ: شخص جو نالو
dash-nominee-contact = نامزدگي لاءِ: ان جو موبائل نمبر يا اي ميل پتو
dash-access-document = پنهنجي ڊيٽا ڊائون لوڊ ڪريو (JSON)

## Errors
dash-error-not-found = توهان جي کاتي ۾ اهڙي ڪا رضامندي يا معاملو ناهي.
dash-error-refused = اهو نه ٿي سگهيو. ڪجهه به نه بدليو. مهرباني ڪري فارم جانچيو ۽ ٻيهر ڪوشش ڪريو.
dash-error-too-many = تمام گهڻيون ڪوششون. مهرباني ڪري ڪجهه منٽ انتظار ڪريو ۽ ٻيهر ڪوشش ڪريو.
dash-error-input = فارم پڙهي نه سگهيو. مهرباني ڪري جانچيو ۽ ٻيهر ڪوشش ڪريو.
dash-error-hand-off = هي سائن ان ختم ٿي چڪو آهي يا صحيح ناهي. مهرباني ڪري اداري جي ويب سائيٽ يا ايپ تان ڊيش بورڊ ٻيهر کوليو.
dash-error-pdf = دستاويز هن وقت تيار نه ٿي سگهيو. توهان پنهنجي تاريخ اسپريڊ شيٽ طور (CSV) به ڊائون لوڊ ڪري سگهو ٿا.
