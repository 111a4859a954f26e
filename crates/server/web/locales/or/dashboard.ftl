## The principal's dashboard
dash-title = ଆପଣଙ୍କ ସମ୍ମତିଗୁଡ଼ିକ
dash-nav-label = ଆପଣଙ୍କ ଡ୍ୟାସବୋର୍ଡ
dash-nav-consents = ସମ୍ମତି
dash-nav-inbox = ବାର୍ତ୍ତା
dash-nav-cases = ଅଭିଯୋଗ ଓ ଅନୁରୋଧ
dash-sign-out = ସାଇନ ଆଉଟ କରନ୍ତୁ
dash-back = ପଛକୁ

## Signing in
dash-signin-title = ଆପଣଙ୍କ ସମ୍ମତି ଦେଖିବା ପାଇଁ ସାଇନ ଇନ କରନ୍ତୁ
dash-signin-intro = ସଂସ୍ଥା ଆପଣଙ୍କ ପାଇଁ ଯାଞ୍ଚ କରିଥିବା ମୋବାଇଲ ନମ୍ବର ବା ଇ-ମେଲ ଠିକଣାକୁ ଆମେ ଏକ ଥର ବ୍ୟବହାର୍ଯ୍ୟ କୋଡ ପଠାଇବୁ।
dash-contact = ମୋବାଇଲ ନମ୍ବର ବା ଇ-ମେଲ ଠିକଣା
dash-send-code = ମୋତେ କୋଡ ପଠାନ୍ତୁ
dash-contact-invalid = 10 ଅଙ୍କର ମୋବାଇଲ ନମ୍ବର ବା ଇ-ମେଲ ଠିକଣା ଦିଅନ୍ତୁ।
dash-code-title = ଆପଣଙ୍କ କୋଡ ଦିଅନ୍ତୁ
dash-code-sent = ଯଦି { $contact } ସଂସ୍ଥାକୁ ଜଣା, ତେବେ ଛଅ ଅଙ୍କର କୋଡ ପଠାଯାଉଛି। ଏହା { $minutes } ମିନିଟ ପାଇଁ ବୈଧ।
dash-code = ଛଅ ଅଙ୍କର କୋଡ
dash-sign-in = ସାଇନ ଇନ କରନ୍ତୁ
dash-code-again = ନୂଆ କୋଡ ମାଗନ୍ତୁ
dash-code-wrong = କୋଡ ଭୁଲ, ମିଆଦ ସରିଛି ବା ବ୍ୟବହୃତ ହୋଇସାରିଛି। ନୂଆ କୋଡ ମାଗନ୍ତୁ।
dash-handoff-title = ଆପଣଙ୍କ ଡ୍ୟାସବୋର୍ଡ ଖୋଲନ୍ତୁ
dash-handoff-intro = ସଂସ୍ଥା ଆପଣଙ୍କୁ ଦେଇଥିବା ସାଇନ-ଇନ ଟୋକେନ ଏଠାରେ ଲଗାନ୍ତୁ।
dash-token = ସାଇନ-ଇନ ଟୋକେନ
dash-open = ଖୋଲନ୍ତୁ
dash-signed-out-title = ଆପଣ ସାଇନ ଆଉଟ ହୋଇଛନ୍ତି
dash-signed-out = ସଂସ୍ଥାର ୱେବସାଇଟ ବା ଆପରୁ ଆପଣଙ୍କ ଡ୍ୟାସବୋର୍ଡ ପୁଣି ଖୋଲନ୍ତୁ।

## Consents
dash-done = ହୋଇଗଲା: { $purpose } ପାଇଁ ଆପଣଙ୍କ ପସନ୍ଦ ଲିପିବଦ୍ଧ ହେଲା।
dash-filter = ସମ୍ମତି ଖୋଜନ୍ତୁ
dash-purpose = ଉଦ୍ଦେଶ୍ୟ
dash-status = ସ୍ଥିତି
dash-any = ଯେକୌଣସି
dash-from = ଏହି ତାରିଖରେ ବା ପରେ ବଦଳିଥିବା
dash-to = ଏହି ତାରିଖରେ ବା ପୂର୍ବରୁ ବଦଳିଥିବା
dash-apply = ଦେଖାନ୍ତୁ
dash-group-reconsent = ପୁଣି ସମ୍ମତି ମଗାଯାଇଛି
dash-group-active = ସକ୍ରିୟ
dash-group-expired = ମିଆଦ ସରିଥିବା
dash-group-withdrawn = ପ୍ରତ୍ୟାହୃତ
dash-group-denied = ପ୍ରତ୍ୟାଖ୍ୟାତ
dash-none = ଏଠାରେ କିଛି ନାହିଁ।
dash-notice = ବିଜ୍ଞପ୍ତି { $notice }, ସଂସ୍କରଣ { $version }
dash-reconsent = ବିଜ୍ଞପ୍ତି ବଦଳିଛି। ଦୟାକରି ଏହାକୁ ପଢ଼ନ୍ତୁ ଓ ପୁଣି ସମ୍ମତି ଦିଅନ୍ତୁ।
dash-data = ବ୍ୟବହୃତ ତଥ୍ୟ
dash-changed = { $date } ରେ ବଦଳିଛି
dash-expires = { $date } ପର୍ଯ୍ୟନ୍ତ ବୈଧ
dash-reconsent-button = ପୁଣି ସମ୍ମତି ଦିଅନ୍ତୁ
dash-renew = ନବୀକରଣ କରନ୍ତୁ
dash-grant = ସମ୍ମତି ଦିଅନ୍ତୁ
dash-withdraw = ସମ୍ମତି ପ୍ରତ୍ୟାହାର କରନ୍ତୁ
dash-history = ଇତିହାସ
dash-export-title = ଆପଣଙ୍କ ଇତିହାସ ଡାଉନଲୋଡ କରନ୍ତୁ
dash-export-csv = ସ୍ପ୍ରେଡସିଟ ଭାବେ (CSV)
dash-export-record = ସମ୍ମତି ରେକର୍ଡ ଭାବେ (ISO/IEC 27560, JSON-LD)
dash-export-pdf = ଦସ୍ତାବିଜ ଭାବେ (PDF)
dash-pdf-title = ଆପଣଙ୍କ ସମ୍ମତିର ଇତିହାସ
dash-pdf-made = { $date } ରେ ପ୍ରସ୍ତୁତ। ବ୍ୟକ୍ତିଗତ ତଥ୍ୟ ଆଂଶିକ ଲୁଚାଇ ଦେଖାଯାଇଛି।
dash-pdf-page = { $pages } ମଧ୍ୟରୁ ପୃଷ୍ଠା { $page }
dash-consent = ସମ୍ମତି
dash-choice = ପସନ୍ଦ
dash-choice-granted = ଦିଆଗଲା
dash-choice-denied = ପ୍ରତ୍ୟାଖ୍ୟାତ
dash-valid-until = କେବେ ପର୍ଯ୍ୟନ୍ତ ବୈଧ

## A consent's history
dash-history-title = ଏହି ସମ୍ମତିର ଇତିହାସ
dash-version = ସଂସ୍କରଣ
dash-when = କେବେ
dash-event = କ'ଣ ହେଲା
dash-by = କିଏ
dash-event-collected = ଦିଆଗଲା
dash-event-updated = ବଦଳିଲା
dash-event-renewed = ନବୀକୃତ
dash-event-withdrawn = ପ୍ରତ୍ୟାହୃତ
dash-event-expired = ମିଆଦ ସରିଲା
dash-by-principal = ଆପଣ
dash-by-fiduciary = ସଂସ୍ଥା
dash-by-system = ସ୍ୱୟଂଚାଳିତ ଭାବେ
dash-by-other = କର୍ମଚାରୀ ବା ଆପଣଙ୍କ ମନୋନୀତ ବ୍ୟକ୍ତି

## Messages
dash-ack = ପଢ଼ାଯାଇଛି ବୋଲି ଚିହ୍ନିତ କରନ୍ତୁ
dash-read-on = { $date } ରେ ପଢ଼ାଗଲା

## Grievances and requests
dash-reference = ସନ୍ଦର୍ଭ ନମ୍ବର
dash-kind = ପ୍ରକାର
dash-filed = ଦାଖଲ ତାରିଖ
dash-respond-by = ଉତ୍ତରର ଶେଷ ତାରିଖ
dash-kind-grievance = ଅଭିଯୋଗ
dash-kind-access = ମୋ ତଥ୍ୟର ଏକ ନକଲ
dash-kind-correction = ମୋ ତଥ୍ୟ ସଂଶୋଧନ
dash-kind-erasure = ମୋ ତଥ୍ୟ ଲିଭାନ୍ତୁ
dash-kind-nomination = କାହାକୁ ମନୋନୀତ କରନ୍ତୁ
dash-case-submitted = ପ୍ରାପ୍ତ ହୋଇଛି
dash-case-acknowledged = ପ୍ରାପ୍ତି ସ୍ୱୀକାର କରାଯାଇଛି
dash-case-in_progress = କାର୍ଯ୍ୟ ଚାଲିଛି
dash-case-escalated = ବରିଷ୍ଠ ଅଧିକାରୀଙ୍କ ନିକଟକୁ ପଠାଯାଇଛି
dash-case-resolved = ସମାଧାନ ହୋଇଛି
dash-case-closed = ବନ୍ଦ
dash-case-reopened = ପୁଣି ଖୋଲାଯାଇଛି
dash-grievance-title = ଅଭିଯୋଗ ଦାଖଲ କରନ୍ତୁ
dash-category = ବର୍ଗ
dash-description = କ'ଣ ହେଲା?
dash-file = ପଠାନ୍ତୁ
dash-request-title = ଅନୁରୋଧ କରନ୍ତୁ
dash-request-kind = ଆପଣ କ'ଣ ମାଗୁଛନ୍ତି?
dash-details = ବିବରଣୀ (ଇଚ୍ଛାଧୀନ)
dash-correction-field = ସଂଶୋଧନ ପାଇଁ: କ'ଣ ସଂଶୋଧନ କରିବେ
dash-correction-value = ସଂଶୋଧନ ପାଇଁ: ଠିକ ମୂଲ୍ୟ
dash-nominee-name = ମନୋନୟନ ପାଇଁ: ବ୍ୟକ୍ତିଙ୍କ ନାମ
dash-nominee-contact = ମନୋନୟନ ପାଇଁ: ତାଙ୍କ ମୋବାଇଲ ନମ୍ବର ବା ଇ-ମେଲ ଠିକଣା
dash-access-document = ଆପଣଙ୍କ ତଥ୍ୟ ଡାଉନଲୋଡ କରନ୍ତୁ (JSON)

## Errors
dash-error-not-found = ଆପଣଙ୍କ ଖାତାରେ ଏପରି କୌଣସି ସମ୍ମତି ବା ମାମଲା ନାହିଁ।
dash-error-refused = ଏହା କରିହେଲା ନାହିଁ। କିଛି ବଦଳିନାହିଁ। ଦୟାକରି ଫର୍ମ ଯାଞ୍ଚ କରି ପୁଣି ଚେଷ୍ଟା କରନ୍ତୁ।
dash-error-too-many = ବହୁତ ଅଧିକ ଚେଷ୍ଟା। ଦୟାକରି କିଛି ମିନିଟ ଅପେକ୍ଷା କରି ପୁଣି ଚେଷ୍ଟା କରନ୍ତୁ।
dash-error-input = ଫର୍ମ ପଢ଼ିହେଲା ନାହିଁ। ଦୟାକରି ଯାଞ୍ଚ କରି ପୁଣି ଚେଷ୍ଟା କରନ୍ତୁ।
dash-error-hand-off = ଏହି ସାଇନ-ଇନର ମିଆଦ ସରିଛି ବା ଏହା ବୈଧ ନୁହେଁ। ଦୟାକରି ସଂସ୍ଥାର ୱେବସାଇଟ ବା ଆପରୁ ଡ୍ୟାସବୋର୍ଡ ପୁଣି ଖୋଲନ୍ତୁ।
dash-error-pdf = ଦସ୍ତାବିଜଟି ଏବେ ପ୍ରସ୍ତୁତ କରିହେଲା ନାହିଁ। ଆପଣ ଆପଣଙ୍କ ଇତିହାସ ସ୍ପ୍ରେଡସିଟ ଭାବେ (CSV) ମଧ୍ୟ ଡାଉନଲୋଡ କରିପାରିବେ।
