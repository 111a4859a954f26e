## The cookie banner (/widget/v1/consent.js)
widget-title = ਇਸ ਸਾਈਟ 'ਤੇ ਕੂਕੀਜ਼
widget-intro = ਜ਼ਰੂਰੀ ਕੂਕੀਜ਼ ਇਸ ਸਾਈਟ ਨੂੰ ਚਲਾਉਂਦੀਆਂ ਹਨ ਅਤੇ ਹਮੇਸ਼ਾ ਚਾਲੂ ਰਹਿੰਦੀਆਂ ਹਨ। ਤੁਹਾਡੀ ਸਹਿਮਤੀ ਨਾਲ ਅਸੀਂ ਸ਼੍ਰੇਣੀ ਅਨੁਸਾਰ ਹੋਰ ਕੂਕੀਜ਼ ਵੀ ਵਰਤਦੇ ਹਾਂ। ਸਭ ਸਵੀਕਾਰ ਕਰੋ, ਸਭ ਅਸਵੀਕਾਰ ਕਰੋ ਜਾਂ ਹਰ ਸ਼੍ਰੇਣੀ ਲਈ ਚੁਣੋ; ਤੁਸੀਂ ਆਪਣੀ ਚੋਣ ਕਿਸੇ ਵੀ ਸਮੇਂ ਬਦਲ ਸਕਦੇ ਹੋ।
widget-accept-all = ਸਭ ਸਵੀਕਾਰ ਕਰੋ
widget-reject-all = ਸਭ ਅਸਵੀਕਾਰ ਕਰੋ
widget-customise = ਸ਼੍ਰੇਣੀਆਂ ਚੁਣੋ
widget-save = ਮੇਰੀ ਚੋਣ ਸੰਭਾਲੋ
widget-preferences = ਕੂਕੀ ਤਰਜੀਹਾਂ
widget-policy = ਕੂਕੀ ਨੀਤੀ
widget-always-on = ਹਮੇਸ਼ਾ ਚਾਲੂ।
widget-gpc = ਤੁਹਾਡੇ ਬ੍ਰਾਊਜ਼ਰ ਦਾ ਗਲੋਬਲ ਪ੍ਰਾਈਵੇਸੀ ਕੰਟਰੋਲ ਸੰਕੇਤ ਇਸ ਸ਼੍ਰੇਣੀ ਨੂੰ ਅਸਵੀਕਾਰ ਕਰਦਾ ਹੈ।
widget-error = ਤੁਹਾਡੀ ਚੋਣ ਸੰਭਾਲੀ ਨਹੀਂ ਜਾ ਸਕੀ। ਕਿਰਪਾ ਕਰਕੇ ਦੁਬਾਰਾ ਕੋਸ਼ਿਸ਼ ਕਰੋ।
widget-category-essential = ਜ਼ਰੂਰੀ
widget-category-performance = ਕਾਰਗੁਜ਼ਾਰੀ
widget-category-analytics = ਵਿਸ਼ਲੇਸ਼ਣ
widget-category-marketing = ਮਾਰਕੀਟਿੰਗ

## The sample page with the banner (/widget/v1/demo)
widget-demo-title = ਕੂਕੀ ਬੈਨਰ ਵਾਲਾ ਇੱਕ ਨਮੂਨਾ ਪੰਨਾ
widget-demo-intro = ਇਹ ਪੰਨਾ ਕੂਕੀ ਬੈਨਰ ਨੂੰ ਉਵੇਂ ਦਿਖਾਉਂਦਾ ਹੈ ਜਿਵੇਂ ਕੋਈ ਵੈੱਬਸਾਈਟ ਇਸਨੂੰ ਰੱਖੇਗੀ। ਜਦੋਂ ਤੱਕ ਤੁਸੀਂ ਵਿਸ਼ਲੇਸ਼ਣ ਕੂਕੀਜ਼ ਦੀ ਇਜਾਜ਼ਤ ਨਹੀਂ ਦਿੰਦੇ, ਇਸਦੀ ਵਿਸ਼ਲੇਸ਼ਣ ਸਕ੍ਰਿਪਟ ਰੁਕੀ ਰਹਿੰਦੀ ਹੈ।
widget-demo-blocked = ਵਿਸ਼ਲੇਸ਼ਣ: ਇਜਾਜ਼ਤ ਮਿਲਣ ਤੱਕ ਰੁਕਿਆ।
widget-demo-running = ਵਿਸ਼ਲੇਸ਼ਣ: ਚੱਲ ਰਿਹਾ ਹੈ।
