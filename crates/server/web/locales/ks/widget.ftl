## The cookie banner (/widget/v1/consent.js)
widget-title = یتھ سائٹس پؠٹھ کوکیز
widget-intro = ضروری کوکیز چھِ یہ سائٹ چلاوان تہٕ ہمیشہ چھِ فعال روزان۔ تُہٕنزِ رضامندی سٟتۍ چھِ أسۍ زمرٕ کِس حسابہٕ باقی کوکیز تہِ استعمال کران۔ سٟری قبول کٔرِو، سٟری مسترد کٔرِو یا پرٛتھ زمرٕ خٲطرٕ ژٲرِو؛ توٚہۍ ہیٚکِو پنُن انتخاب کُنہِ تہِ وقتہٕ بدلٲوِتھ۔
widget-accept-all = سٟری قبول کٔرِو
widget-reject-all = سٟری مسترد کٔرِو
widget-customise = زمرٕ ژٲرِو
widget-save = میون انتخاب محفوظ کٔرِو
widget-preferences = کوکی ترجیحات
widget-policy = کوکی پالیسی
widget-always-on = ہمیشہ فعال۔
widget-gpc = تُہٕنزِ براؤزرٕچ گلوبل پرائیویسی کنٹرول سگنل چھِ یہ زمرٕ مسترد کران۔
widget-error = تُہٕنز انتخاب ہیٚکو نہٕ محفوظ کٔرِتھ۔ مہربٲنی کٔرِتھ کٔرِو دوبارٕ کوشش۔
widget-category-essential = ضروری
widget-category-performance = کارکردگی
widget-category-analytics = تجزیہ
widget-category-marketing = مارکیٹنگ

## The sample page with the banner (/widget/v1/demo)
widget-demo-title = کوکی بینرٕ سان اکھ نمونہ صفحہ
widget-demo-intro = یہ صفحہ چھُ کوکی بینر تِتھۍ پٲٹھۍ ہاوان یِتھۍ پٲٹھۍ کانٛہہ ویب سائٹ تھاوِ۔ ییلہِ تام توٚہۍ تجزیاتی کوکیزن اجازت دِیو نہٕ، تیلہِ تام چھُ امیُک تجزیاتی اسکرپٹ روکنہٕ آمُت۔
widget-demo-blocked = تجزیہ: اجازت میلنَس تام روکنہٕ آمُت۔
widget-demo-running = تجزیہ: چلان۔
