## The emails to a participant (subjects included) and the calendar invitation.

email-greeting = Sayın { $name },
email-copy-link = Ya da bu bağlantıyı tarayıcınıza kopyalayın:
email-cancel-prompt = Artık katılamayacaksanız, yerinizin bekleme listesindeki bir sonraki kişiye geçmesi için lütfen kaydınızı iptal edin:
email-cancel-link = Kaydımı iptal et
email-join-button = Zoom webinarına katılın
email-join-text = Zoom webinarına bu bağlantıyla katılın:

confirmation-subject = Lütfen kaydınızı onaylayın: { $title }
confirmation-thanks = { $starts } tarihindeki Zoom webinarı “{ $title }” için kaydolduğunuz için teşekkür ederiz.
confirmation-open-link = Lütfen bu bağlantıyı açarak kaydınızı onaylayın:
# The HTML part's button that opens the confirmation link.
confirmation-button = Kaydımı onayla
confirmation-next = Onayladıktan sonra Zoom bağlantısını webinar başlamadan önce size e-postayla göndereceğiz.
confirmation-not-me = Kaydolmadıysanız bu e-postayı dikkate almayın; size başka bir şey gönderilmeyecek.
confirmation-delete = Bu kaydın hemen silinmesi için şu bağlantıyı açın:
confirmation-not-me-link = Bu kaydı ben yapmadım

link-subject = Zoom bağlantınız: { $title }
link-subject-promoted = Yer sizin, Zoom bağlantınızla birlikte: { $title }
link-promoted = Bir yer boşaldı ve artık sizin: bekleme listesinde değilsiniz.
link-starts = “{ $title }” { $starts } ({ $starts_utc }) tarihinde başlıyor.
link-invitation = Ekteki davet, webinarı takviminize ekler. Lütfen bu bağlantıyı kimseyle paylaşmayın: bu sizin yerinizdir.

promotion-subject = Yer sizin: { $title }
promotion-seat = { $starts } tarihindeki Zoom webinarı “{ $title }” için bir yer boşaldı ve artık sizin: bekleme listesinde değilsiniz.
promotion-next = Zoom bağlantısını webinar başlamadan önce size e-postayla göndereceğiz.

reminder-subject = Hatırlatma: { $title } yakında başlıyor
reminder-starts = Hatırlatma: “{ $title }” { $starts } ({ $starts_utc }) tarihinde başlıyor.

# The first line of an organizer's notice, above their own words.
notice-intro = “{ $title }” düzenleyicilerinden bir mesaj:

# The calendar invitation's description; the link is the webinar's.
ics-description = Webinara katılın: { $link }
