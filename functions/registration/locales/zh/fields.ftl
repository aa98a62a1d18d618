## The form's fields and the messages about what was typed in them.

field-full_name = 姓名
field-email = 电子邮件地址
field-country = 国家或地区
field-organization = 单位
field-designation = 职务
field-phone = 电话
field-consent = 同意
# The honeypot's label tells people (and screen readers) to skip it.
field-website = 此栏请留空
field-program = 项目
field-any = 字段
# A field's label followed by its message, on the form and in its summary.
field-message = { $field }{ $message }

error-required = 为必填项
error-text = 必须为文本
error-too-long = 最多 { $max } 个字符
error-control = 不能包含控制字符
error-format-characters = 不能包含不可见的格式字符（方向标记、零宽空格）
error-joiner = 中的零宽连接符或零宽非连接符只能位于两个字母之间
error-web-address = 应为姓名或名称，而不是网址（不能包含 ://、www. 或 example.com 之类的域名）
error-email = 必须是一个电子邮件地址，例如 name@example.org
error-phone-characters = 只能包含数字、空格和 + - ( )
error-phone-digits = 必须包含数字
error-country-code = 必须是 ISO 3166-1 两字母国家代码
error-country-unknown = 不是已知的 ISO 3166-1 国家代码
error-consent = 为报名所必需（请勾选同意框）
error-program-unknown = 不是正在报名的项目
error-program-required = 为必填项：目前有多个项目正在报名，请注明您要报名的项目
