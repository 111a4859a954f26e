## The cookie banner (/widget/v1/consent.js)
widget-title = ଏହି ସାଇଟରେ କୁକିଜ୍
widget-intro = ଆବଶ୍ୟକ କୁକିଜ୍ ଏହି ସାଇଟକୁ ଚାଲୁ ରଖେ ଏବଂ ସର୍ବଦା ଚାଲୁ ରହେ। ଆପଣଙ୍କ ସମ୍ମତିରେ ଆମେ ବର୍ଗ ଅନୁସାରେ ଅନ୍ୟ କୁକିଜ୍ ମଧ୍ୟ ବ୍ୟବହାର କରୁ। ସବୁ ଗ୍ରହଣ କରନ୍ତୁ, ସବୁ ପ୍ରତ୍ୟାଖ୍ୟାନ କରନ୍ତୁ କିମ୍ବା ପ୍ରତ୍ୟେକ ବର୍ଗ ପାଇଁ ବାଛନ୍ତୁ; ଆପଣ ଯେକୌଣସି ସମୟରେ ଆପଣଙ୍କ ପସନ୍ଦ ବଦଳାଇ ପାରିବେ।
widget-accept-all = ସବୁ ଗ୍ରହଣ କରନ୍ତୁ
widget-reject-all = ସବୁ ପ୍ରତ୍ୟାଖ୍ୟାନ କରନ୍ତୁ
widget-customise = ବର୍ଗ ବାଛନ୍ତୁ
widget-save = ମୋ ପସନ୍ଦ ସଞ୍ଚୟ କରନ୍ତୁ
widget-preferences = କୁକି ପସନ୍ଦ
widget-policy = କୁକି ନୀତି
widget-always-on = ସର୍ବଦା ଚାଲୁ।
widget-gpc = ଆପଣଙ୍କ ବ୍ରାଉଜରର ଗ୍ଲୋବାଲ ପ୍ରାଇଭେସି କଣ୍ଟ୍ରୋଲ ସଙ୍କେତ ଏହି ବର୍ଗକୁ ପ୍ରତ୍ୟାଖ୍ୟାନ କରେ।
widget-error = ଆପଣଙ୍କ ପସନ୍ଦ ସଞ୍ଚୟ ହୋଇପାରିଲା ନାହିଁ। ଦୟାକରି ପୁଣି ଚେଷ୍ଟା କରନ୍ତୁ।
widget-category-essential = ଆବଶ୍ୟକ
widget-category-performance = କାର୍ଯ୍ୟଦକ୍ଷତା
widget-category-analytics = ବିଶ୍ଳେଷଣ
widget-category-marketing = ବିପଣନ

## The sample page with the banner (/widget/v1/demo)
widget-demo-title = କୁକି ବ୍ୟାନର ଥିବା ଏକ ନମୁନା ପୃଷ୍ଠା
widget-demo-intro = ଏହି ପୃଷ୍ଠା କୁକି ବ୍ୟାନରକୁ ସେହିପରି ଦେଖାଏ ଯେପରି କୌଣସି ୱେବସାଇଟ ଏହାକୁ ରଖିବ। ଆପଣ ବିଶ୍ଳେଷଣ କୁକିଜ୍‌କୁ ଅନୁମତି ନ ଦେବା ପର୍ଯ୍ୟନ୍ତ ଏହାର ବିଶ୍ଳେଷଣ ସ୍କ୍ରିପ୍ଟ ଅଟକି ରହେ।
widget-demo-blocked = ବିଶ୍ଳେଷଣ: ଅନୁମତି ନ ମିଳିବା ପର୍ଯ୍ୟନ୍ତ ଅଟକା।
widget-demo-running = ବିଶ୍ଳେଷଣ: ଚାଲୁଛି।
