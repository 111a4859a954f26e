## The cookie banner (/widget/v1/consent.js)
widget-title = बे साइटआव कुकीफोर
widget-intro = गोनांथार कुकीफोरा बे साइटखौ खामानि मावहोयो आरो सबसिन जागायनायाव थायो। नोंथांनि गनायथिजों जों थाखोनि बादि गुबुन कुकीफोरखौबो बाहायो। गासैखौ मान्नाय हो, गासैखौ नेवसि हो एबा थाखो फोरलाय सायख; नोंथाङा नोंथांनि सायखनायखौ जेब्लाबो सोलायनो हाया।
widget-accept-all = गासैखौ मान्नाय हो
widget-reject-all = गासैखौ नेवसि हो
widget-customise = थाखोफोर सायख
widget-save = आंनि सायखनायखौ रैखा खालाम
widget-preferences = कुकी गोजौ मोनथायफोर
widget-policy = कुकी फोलिसि
widget-always-on = सबसिन जागायनायाव।
widget-gpc = नोंथांनि ब्राउजारनि ग्लोबाल प्राइभेसि कन्ट्रल सिगनेला बे थाखोखौ नेवसि होयो।
widget-error = नोंथांनि सायखनायखौ रैखा खालामनो हायाखै। अननानै फिन नाजा।
widget-category-essential = गोनांथार
widget-category-performance = खामानि
widget-category-analytics = बिजिरनाय
widget-category-marketing = बेपार

## The sample page with the banner (/widget/v1/demo)
widget-demo-title = कुकी बेनार दंथाय मोनसे नमुना बिलाइ
widget-demo-intro = बे बिलाइआ कुकी बेनारखौ मोनसे वेबसाइटआ दोनगोनु बादि दिन्थियो। नोंथाङा बिजिरनाय कुकीफोरखौ गनायथि होनो सिम बेनि बिजिरनाय स्क्रिप्टआ होबथाजेनाय थायो।
widget-demo-blocked = बिजिरनाय: गनायथि मोननो सिम होबथाजेनाय।
widget-demo-running = बिजिरनाय: खामानि मावगासिनो दं।
