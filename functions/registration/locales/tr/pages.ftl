## The pages' frame, the registration form and the pages the form leads to.

org-name = BTBU-ECOSF Ortak Eğitim Merkezi
# This language's name in itself, for the language switcher.
language-name = Türkçe
language-switcher = Dil
page-title-form = Kayıt · { $title }
page-title-message = { $heading } · { $title }
page-back-to-form = Kayıt formuna dön
# A page's title when no program can be named (a link that names none).
registration-title = Kayıt
# Before the organizers' contact address on the form.
form-questions = Sorularınız için:
programs-choose = Kaydolmak için bir program seçin.

form-when = Zoom üzerinden webinar: { $starts }.
form-closes = Kayıtların kapanışı: { $closes }.
form-welcome = Kuşak ve Yol ülkelerinden, EİT üyesi ülkelerden ve dünyanın her yerinden girişimcileri bekliyoruz. Lütfen aşağıdan kaydolun; size önce onay bağlantısını, webinardan önce de Zoom bağlantısını e-postayla göndereceğiz.
form-error-summary = Lütfen aşağıdakileri düzeltin:
form-optional = (isteğe bağlı)
form-phone-hint = (isteğe bağlı: rakam, boşluk, +, -, parantez)
form-country-choose = Ülkenizi seçin
form-country-eco = EİT üyesi ülkeler
form-country-all = Tüm ülkeler
form-consent = { $host }'nin bu bilgileri eğitim programını yürütmek için saklamasını ve program hakkında bana e-posta göndermesini kabul ediyorum. Bilgiler webinardan { $days } gün sonra silinir.
form-submit = Kaydol

registered-heading = E-postanızı kontrol edin
registered-sent = Kaydınız için teşekkür ederiz. Kaydınızı onaylamanız için size bağlantı içeren bir e-posta gönderdik.
registered-spam = Onaylamak için bu bağlantıyı açın. E-posta birkaç dakika içinde gelmezse istenmeyen e-posta (spam) klasörünüze bakın.

closed-heading = Kayıtlar kapandı
closed-when = Kayıtlar { $closes } tarihinde kapandı. Webinar { $starts } tarihinde yapılacak.
closed-zoom = Kayıtlı katılımcılara Zoom bağlantısı webinardan önce e-postayla gönderilir.
not-open-heading = Kayıtlar henüz açılmadı
not-open-when = Kayıtlar { $opens } tarihinde açılacak. Webinar { $starts } tarihinde yapılacak.
programs-heading = Kayıtları açık programlar
programs-item = { $title }: başlangıç { $starts }, kayıtların kapanışı { $closes }.
