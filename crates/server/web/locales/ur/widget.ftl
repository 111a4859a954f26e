## The cookie banner (/widget/v1/consent.js)
widget-title = اس سائٹ پر کوکیز
widget-intro = ضروری کوکیز اس سائٹ کو چلاتی ہیں اور ہمیشہ فعال رہتی ہیں۔ آپ کی رضامندی سے ہم زمرے کے لحاظ سے دیگر کوکیز بھی استعمال کرتے ہیں۔ سب قبول کریں، سب مسترد کریں یا ہر زمرے کے لیے منتخب کریں؛ آپ اپنا انتخاب کسی بھی وقت بدل سکتے ہیں۔
widget-accept-all = سب قبول کریں
widget-reject-all = سب مسترد کریں
widget-customise = زمرے منتخب کریں
widget-save = میرا انتخاب محفوظ کریں
widget-preferences = کوکی ترجیحات
widget-policy = کوکی پالیسی
widget-always-on = ہمیشہ فعال۔
widget-gpc = آپ کے براؤزر کا گلوبل پرائیویسی کنٹرول سگنل اس زمرے کو مسترد کرتا ہے۔
widget-error = آپ کا انتخاب محفوظ نہیں ہو سکا۔ براہ کرم دوبارہ کوشش کریں۔
widget-category-essential = ضروری
widget-category-performance = کارکردگی
widget-category-analytics = تجزیہ
widget-category-marketing = مارکیٹنگ

## The sample page with the banner (/widget/v1/demo)
widget-demo-title = کوکی بینر والا ایک نمونہ صفحہ
widget-demo-intro = یہ صفحہ کوکی بینر کو ویسے ہی دکھاتا ہے جیسے کوئی ویب سائٹ اسے رکھے گی۔ جب تک آپ تجزیاتی کوکیز کی اجازت نہیں دیتے، اس کا تجزیاتی اسکرپٹ رکا رہتا ہے۔
widget-demo-blocked = تجزیہ: اجازت ملنے تک رکا ہوا۔
widget-demo-running = تجزیہ: چل رہا ہے۔
