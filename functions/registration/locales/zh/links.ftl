## The pages behind the emailed links: confirming and cancelling.

link-kept = 您的链接仍然有效；请几分钟后再试。
link-invalid-heading = 此链接无效
link-incomplete-heading = 此链接不完整
link-started-heading = 研讨会已经开始
zoom-link-coming = 我们将在研讨会开始前通过电子邮件向您发送 Zoom 链接。

confirm-heading = 确认报名
confirm-prompt = 请点击按钮确认您将参加。之后，我们将在研讨会开始前通过电子邮件向您发送 Zoom 链接。
confirm-button = 确认报名
confirmed-heading = 您的报名已确认
confirmed-already = 您已确认过报名。我们将在研讨会开始前通过电子邮件向您发送 Zoom 链接。
confirmed-now = 谢谢您。我们将在研讨会开始前通过电子邮件向您发送 Zoom 链接。
waitlisted-heading = 您已进入候补名单
waitlisted-place = { $position ->
        [0] 名额已满。如有空出的名额，我们会通过电子邮件通知您。
       *[other] 名额已满。您在候补名单中排第 { $position } 位；如有空出的名额，我们会通过电子邮件通知您。
    }
confirm-incomplete = 请打开确认邮件中的完整链接；有些邮件程序会截断较长的链接。
confirm-invalid = 确认链接未知或已被更改。请打开最新一封确认邮件中的链接，或重新报名以获取新的链接。
confirm-started = 研讨会开始后，确认已关闭。
confirm-cross-site-heading = 请通过邮件中的链接确认
confirm-cross-site = 此请求来自其他网站。请打开确认邮件中的链接，并点击该页面上的按钮。
confirm-failed-heading = 暂时无法确认您的报名

cancel-pending-heading = 取消此报名？
cancel-pending = 如果您没有报名参加此研讨会，或不再希望参加，请在此取消：我们将删除该报名及其包含的全部信息。
cancel-waitlisted-heading = 退出候补名单？
cancel-waitlisted = 如果您无法参加，请在此取消。我们将不再就此研讨会向您发送邮件。
cancel-confirmed-heading = 取消您的报名？
cancel-confirmed = 如果您无法参加，请在此取消，以便将您的名额让给候补名单中的下一位。我们将不再就此研讨会向您发送邮件。
cancel-button = 取消我的报名
cancelled-heading = 您的报名已取消
cancelled-already = 该报名此前已取消，无需再做任何操作。
cancelled-now = 感谢您告知我们：您的名额将让给候补名单中的下一位。
cancelled-deleted = 我们已删除该报名及其包含的全部信息。
cancel-no-more-email = 我们将不再就此研讨会向您发送邮件。报名开放期间，您可以重新报名。
cancel-incomplete = 请打开邮件中完整的取消链接；有些邮件程序会截断较长的链接。
cancel-invalid = 取消链接未知或已被更改，或者该报名已被删除。请打开有关此研讨会的最新一封邮件中的链接。
cancel-started = 研讨会开始后，报名不能再取消。
cancel-cross-site-heading = 请通过邮件中的链接取消
cancel-cross-site = 此请求来自其他网站。请打开邮件中的取消链接，并点击该页面上的按钮。
cancel-failed-heading = 暂时无法取消您的报名
cancel-open-link = 请打开邮件中的取消链接。
cancel-open-link-button = 请打开邮件中的取消链接，并点击该页面上的按钮。
