## The cookie banner (/widget/v1/consent.js)
widget-title = هن سائيٽ تي ڪوڪيز
widget-intro = ضروري ڪوڪيز هن سائيٽ کي هلائين ٿيون ۽ هميشه فعال رهن ٿيون. توهان جي رضامندي سان اسين درجي موجب ٻيون ڪوڪيز به استعمال ڪريون ٿا. سڀ قبول ڪريو، سڀ رد ڪريو يا هر درجي لاءِ چونڊيو؛ توهان پنهنجي چونڊ ڪنهن به وقت بدلائي سگهو ٿا.
widget-accept-all = سڀ قبول ڪريو
widget-reject-all = سڀ رد ڪريو
widget-customise = درجا چونڊيو
widget-save = منهنجي چونڊ محفوظ ڪريو
widget-preferences = ڪوڪي ترجيحون
widget-policy = ڪوڪي پاليسي
widget-always-on = هميشه فعال.
widget-gpc = توهان جي برائوزر جو گلوبل پرائيويسي ڪنٽرول سگنل هن درجي کي رد ڪري ٿو.
widget-error = توهان جي چونڊ محفوظ نه ٿي سگهي. مهرباني ڪري ٻيهر ڪوشش ڪريو.
widget-category-essential = ضروري
widget-category-performance = ڪارڪردگي
widget-category-analytics = تجزيو
widget-category-marketing = مارڪيٽنگ

## The sample page with the banner (/widget/v1/demo)
widget-demo-title = ڪوڪي بينر وارو هڪ نمونو صفحو
widget-demo-intro = هي صفحو ڪوڪي بينر کي ائين ڏيکاري ٿو جيئن ڪا ويب سائيٽ ان کي رکندي. جيستائين توهان تجزياتي ڪوڪيز جي اجازت نه ڏيو، ان جو تجزياتي اسڪرپٽ روڪيل رهي ٿو.
widget-demo-blocked = تجزيو: اجازت ملڻ تائين روڪيل.
widget-demo-running = تجزيو: هلي رهيو آهي.
