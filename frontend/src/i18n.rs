//! Every string of the UI, in zh-CN (default) and English, in one table.

use yew::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn t(self, s: S) -> &'static str {
        match self {
            Lang::Zh => s.zh(),
            Lang::En => s.en(),
        }
    }

    pub fn is_en(self) -> bool {
        self == Lang::En
    }

    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Picks from a server-sent [`common::Text`].
    pub fn pick(self, text: &common::Text) -> String {
        match self {
            Lang::Zh => text.zh.clone(),
            Lang::En => text.en.clone(),
        }
    }

    /// Picks between two strings computed elsewhere (names from `common`).
    pub fn either<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// The current language, from the context set up in `app.rs`.
#[hook]
pub fn use_lang() -> Lang {
    use_context::<crate::hooks::LangHandle>().map(|h| *h).unwrap_or(Lang::Zh)
}

macro_rules! strings {
    ($($key:ident => $zh:expr, $en:expr;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum S { $($key,)* }
        impl S {
            pub fn zh(self) -> &'static str { match self { $(S::$key => $zh,)* } }
            pub fn en(self) -> &'static str { match self { $(S::$key => $en,)* } }
        }
    };
}

strings! {
    AppName => "摊规通", "Tangui";
    AppTagline => "厦门摊规点 · 跨店经营 · 外摆促销 一站式服务", "Xiamen vending zones, shopfront trading and outdoor promotions in one place";
    SkipToContent => "跳到正文", "Skip to content";
    NavHome => "首页", "Home";
    NavLogin => "登录", "Sign in";
    NavRegister => "注册", "Register";
    NavLogout => "退出登录", "Sign out";
    NavAccount => "我的账户", "My account";
    NavUsers => "用户管理", "Users";
    NavMenu => "菜单", "Menu";
    SwitchLanguage => "English", "中文";
    SwitchLanguageLabel => "切换到英文", "Switch to Chinese";
    Loading => "加载中…", "Loading…";
    Retry => "重试", "Retry";
    Saving => "提交中…", "Submitting…";
    DemoNotice => "演示数据：摊规点名称、位置和摊位为示意，不代表实际设置。", "Demo data: zone names, places and stalls are illustrative, not the real ones.";
    FooterText => "摊规通 · 厦门市摊规点服务平台", "Tangui · Xiamen vending-zone service portal";
    FooterApi => "开放接口", "Open API";
    // Home
    HomeTitle => "在摊规点规范经营，便民又有序", "Trade in designated zones: convenient and orderly";
    HomeLead => "全市摊规点的位置、营业时间和空闲摊位一目了然；摊贩在线申请摊位，商户在线办理跨店经营和外摆促销备案。", "See every vending zone's place, hours and free stalls. Vendors apply for stalls online; shops file shopfront trading and outdoor promotions online.";
    FigZones => "摊规点", "Vending zones";
    FigStalls => "摊位", "Stalls";
    FigFree => "空闲摊位", "Free stalls";
    FigTemporary => "工地用餐临时点", "Temporary meal points";
    FigByDistrict => "各区摊位分布", "Stalls by district";
    FigByDistrictNote => "深色为已使用或停用，浅色为空闲", "Dark: in use or out of use; light: free";
    ChartDistrict => "区", "District";
    StartVendor => "我是摊贩：注册并申请摊位", "I'm a vendor: register and apply";
    StartShop => "我是商户：注册并办理备案", "I'm a shop: register and file";
    // Map
    MapTitle => "摊规点地图", "Map of vending zones";
    ZoneListLabel => "摊规点列表", "List of vending zones";
    ZonesShown => "符合条件的摊规点：", "Zones shown:";
    Hours => "营业时间", "Opening hours";
    ViewZone => "查看摊规点", "View zone";
    AllDistricts => "全部区", "All districts";
    Category => "经营品类", "Trade";
    AllCategories => "全部品类", "All trades";
    Kind => "类型", "Type";
    AllKinds => "全部类型", "All types";
    Search => "搜索", "Search";
    SearchHint => "名称、编号或地址", "Name, code or address";
    OpenNow => "现在营业", "Open now";
    HasFree => "有空闲摊位", "Has free stalls";
    ClearFilters => "清除筛选", "Clear filters";
    ViewAs => "显示方式", "Show as";
    ViewMap => "地图", "Map";
    ViewList => "列表", "List";
    LegendMany => "空闲较多", "Many free";
    LegendFew => "空闲较少", "Few free";
    LegendFull => "已满", "Full";
    // Zone page
    Code => "编号", "Code";
    Address => "地址", "Address";
    Status => "状态", "Status";
    AllowedTrades => "允许经营", "Allowed trades";
    BannedTrades => "禁止事项", "Not allowed";
    StallSize => "摊位尺寸", "Stall size";
    Fee => "摊位费", "Fee";
    FeeFree => "免费", "Free";
    PerMonth => "元/月", "yuan/month";
    ManagingUnit => "管理单位", "Managed by";
    Contact => "联系电话", "Contact";
    Site => "服务工地", "Construction site";
    Contractor => "施工单位", "Contractor";
    ValidUntil => "有效期至", "Valid until";
    MealSessions => "用餐时段", "Meal sessions";
    Stalls => "摊位", "Stalls";
    StallGridLabel => "摊位分布", "Stall layout";
    BackToMap => "返回地图", "Back to map";
    Occupied => "已占用", "Occupied";
    Reserved => "已预留", "Reserved";
    OutOfUse => "停用", "Out of use";
    Outline => "范围示意", "Outline";
    // Zone admin
    NavZoneAdmin => "摊规点管理", "Zones";
    ZoneAdminTitle => "摊规点管理", "Zone administration";
    Edit => "编辑", "Edit";
    NewZone => "新建摊规点", "New zone";
    EditZone => "编辑摊规点", "Edit zone";
    ImportZones => "导入 GeoJSON", "Import GeoJSON";
    ExportZones => "导出 GeoJSON", "Export GeoJSON";
    ImportLead => "选择 GeoJSON 文件后会立即检查；先在服务器上试运行，全部无误才能导入，导入时要么全部成功要么都不导入。", "The file is checked as soon as you choose it. Run a server check first; import is possible only when the whole file is valid, and it imports all or nothing.";
    ChooseFile => "选择文件", "Choose a file";
    Feature => "要素", "Feature";
    Field => "字段", "Field";
    Problem => "问题", "Problem";
    Features => "要素", "Features";
    Valid => "有效", "Valid";
    Problems => "问题", "Problems";
    DryRun => "服务器试运行", "Check on server (dry run)";
    ImportNow => "导入", "Import";
    Imported => "已导入：", "Imported:";
    DryRunClean => "检查通过，可以导入：", "All clear, ready to import:";
    NothingImported => "文件有问题，未导入任何内容。请修改后重试。", "The file has problems; nothing was imported. Fix them and try again.";
    SitingWarnings => "选址提醒", "Siting warnings";
    SensitiveSites => "敏感点图层（学校、医院、地铁口）", "Sensitive sites (schools, hospitals, metro exits)";
    SensitiveSitesLead => "导入 GeoJSON 点要素（name、kind、可选 buffer_m），会替换现有图层。摊规点距离这些地点过近时会提示。", "Import GeoJSON points (name, kind, optional buffer_m); replaces the current layer. Zones too close to a site get a warning.";
    Saved => "已保存", "Saved";
    CodeHint => "如 SM-151；临时用餐点如 SM-L01", "e.g. SM-151; temporary points SM-L01";
    ValidFrom => "开始日期", "Valid from";
    CommaSeparated => "多项用顿号或逗号分隔", "Separate items with commas";
    StallWidth => "宽（米）", "Width (m)";
    StallDepth => "深（米）", "Depth (m)";
    FeeMonthly => "月费（元）", "Monthly fee (yuan)";
    FeeNote => "收费说明", "Fee note";
    From => "从", "From";
    To => "至", "To";
    SessionLabel => "时段名称", "Session name";
    Remove => "删除", "Remove";
    AddWindow => "增加时段", "Add a window";
    OutlineHelp => "在地图上依次点击画出范围（可缩放后再画），或在下方粘贴坐标。", "Click on the map to draw the outline (zoom in first), or paste coordinates below.";
    UndoPoint => "撤销上一点", "Undo last point";
    ClearOutline => "清除范围", "Clear outline";
    Points => "个点", "points";
    PasteCoordinates => "粘贴坐标（WGS84 经度,纬度）", "Paste coordinates (WGS84 lon,lat)";
    ApplyCoordinates => "使用这些坐标", "Use these coordinates";
    StallLayoutTitle => "摊位布局", "Stall layout";
    AddRow => "增加一排", "Add a row";
    Save => "保存", "Save";
    RowPrefix => "排号", "Row";
    Count => "数量", "Count";
    ChangeStatusTo => "变更为", "Change to";
    Reason => "原因", "Reason";
    Apply => "确定", "Apply";
    StallToggleHelp => "点击空闲摊位可设为停用，再次点击恢复；已占用和已预留的摊位由分配流程管理。", "Click a free stall to take it out of use, again to restore it; occupied and reserved stalls are managed by allocation.";
    History => "变更记录", "Change history";
    System => "系统", "System";
    // Applications
    NavApply => "摊位申请", "Stall application";
    NavReview => "审核队列", "Review queue";
    NavRounds => "摇号公示", "Stall draws";
    ApplyHere => "申请此处摊位", "Apply for a stall here";
    ApplyTitle => "摊位申请", "Stall application";
    ApplySignIn => "请先登录或注册摊贩账号再申请摊位。", "Sign in or register as a vendor to apply for a stall.";
    VendorsOnly => "只有摊贩账号可以申请摊位。", "Only vendor accounts can apply for stalls.";
    PastApplications => "以往申请", "Earlier applications";
    ReturnedTitle => "您的申请被退回，请一次性补正以下各项后重新提交：", "Your application was returned. Correct all of the following, then submit again:";
    DraftSaved => "草稿已保存", "Draft saved";
    Preferences => "意向摊规点（按优先顺序，最多 5 个）", "Preferred zones (in order, up to 5)";
    PreferencesHint => "摇号时按此顺序为您分配第一个仍有同品类空闲摊位的摊规点。", "The draw gives you the first of these zones that still has a free stall of your trade.";
    MoveUp => "上移", "Move up";
    MoveDown => "下移", "Move down";
    AddZone => "添加摊规点…", "Add a zone…";
    PriorityGroups => "优先类别", "Priority groups";
    PriorityHint => "低保、残疾、登记失业人员在预留比例内优先分配，需上传证明。", "Low-income, disabled and registered unemployed applicants are served first within the reserved share; upload proof.";
    Documents => "申请材料", "Documents";
    UploadHint => "JPG、PNG 或 PDF，每个不超过 5 MB。", "JPG, PNG or PDF, at most 5 MB each.";
    Note => "备注（选填）", "Note (optional)";
    SaveDraft => "保存草稿", "Save draft";
    SubmitApplication => "提交申请", "Submit application";
    OfferTitle => "您摇中了摊位，请确认", "You have been offered a stall";
    StallNo => "摊位号", "Stall";
    ReplyBy => "请在此时间前确认：", "Reply by";
    AcceptOffer => "接受摊位", "Accept the stall";
    DeclineOffer => "放弃", "Decline";
    YourStall => "您的摊位", "Your stall";
    ReviewBy => "承诺办结日期：", "Decision due by";
    SeeRound => "查看摇号公示", "See the draw";
    Withdraw => "撤回申请", "Withdraw";
    // Review
    ReviewTitle => "摊位申请审核", "Stall application review";
    ReviewLead => "逾期的排在最前。", "Overdue cases first.";
    QueueEmpty => "目前没有待审核的申请。", "Nothing is waiting for review.";
    Applicant => "申请人", "Applicant";
    FirstChoice => "第一意向", "First choice";
    Deadline => "办结期限", "Due";
    Overdue => "已逾期", "Overdue";
    WorkingDaysLeft => "个工作日", "working days left";
    Review => "审核", "Review";
    Application => "申请", "Application";
    DecisionSaved => "已处理", "Decision recorded";
    Decision => "审核决定", "Decision";
    MarkEligible => "符合条件", "Eligible";
    ReturnForCorrection => "退回补正", "Return for correction";
    ReturnHint => "在需要补正的每一项后写明原因，一次性告知申请人。", "Write what is wrong beside every item to correct; the applicant gets them all at once.";
    MarkIneligible => "不符合条件", "Not eligible";
    // Rounds
    RoundsTitle => "摊位摇号", "Stall draws";
    RoundsLead => "每批摇号在开放时公布种子承诺，截止时公布名单指纹，摇号时公开种子，任何人都可以复算结果。", "Each draw publishes a seed commitment when it opens and the list's fingerprint when it closes, and reveals the seed at the draw, so anyone can recompute the results.";
    NoRounds => "暂无摇号批次。", "No draws yet.";
    NewRound => "新建摇号批次", "New draw";
    Window => "申请时间", "Application window";
    ReservedShare => "优先保留比例", "Reserved share";
    SeedCommitment => "种子承诺（SHA-256）", "Seed commitment (SHA-256)";
    Fingerprint => "名单指纹（SHA-256）", "List fingerprint (SHA-256)";
    Seed => "随机种子", "Seed";
    Algorithm => "算法版本", "Algorithm";
    Applicants => "参与人数", "Applicants";
    NoticeUntil => "公示截止", "Notice until";
    HowDrawWorks => "摇号如何进行、如何复核", "How the draw works and how to check it";
    HowDrawWorksText => "以种子与名单指纹生成 ChaCha20 随机数，对申请名单随机排序；先在每个摊规点的预留比例内按顺序服务优先类别申请人，再按顺序服务其余所有人；每人依次获得其意向中第一个仍有同品类空闲摊位的摊规点，每人至多一个；未分到的按顺序进入轮候名单。下载公示记录后可用命令独立复算。", "A ChaCha20 stream keyed by the seed and the list's fingerprint shuffles the list; priority applicants are served first within each zone's reserved share, then everyone in order; each takes the first preferred zone that still has a free stall of their trade, one each; the rest form the waiting list in draw order. Download the published record and recompute it yourself with the command.";
    DownloadRecord => "下载公示记录（JSON）", "Download the published record (JSON)";
    RoundActions => "批次操作", "Round actions";
    OpenRound => "开放申请（公布种子承诺）", "Open (publish the seed commitment)";
    CloseRound => "截止并锁定名单", "Close and freeze the list";
    DrawRound => "开始摇号", "Run the draw";
    ConfirmRound => "确认结果并发出摊位确认", "Confirm and make offers";
    RoundConfirmed => "结果已确认，摊位确认已发出。", "Confirmed; offers have been made.";
    Objections => "异议", "Objections";
    Answer => "答复", "Answer";
    LodgeObjection => "对公示结果提出异议", "Object to the results";
    ObjectionSent => "异议已提交，管理员答复前不会确认结果。", "Objection sent; the results are not confirmed until it is answered.";
    ObjectionText => "异议内容", "Your objection";
    Submit => "提交", "Submit";
    Results => "摇号结果（姓名与证件号已隐去部分）", "Results (names and ID numbers partly hidden)";
    Position => "顺序", "Order";
    Outcome => "结果", "Outcome";
    WaitlistNo => "轮候第", "Waiting list no.";
    OpensAt => "开始", "Opens";
    ClosesAt => "截止", "Closes";
    NoticeDays => "公示期（工作日）", "Notice (working days)";
    OfferDays => "确认期限（天）", "Reply period (days)";
    CreateRound => "创建批次", "Create the draw";
    // Auth
    LoginTitle => "登录", "Sign in";
    LoginField => "手机号或用户名", "Mobile number or username";
    Password => "密码", "Password";
    LoginSubmit => "登录", "Sign in";
    NoAccount => "还没有账号？", "No account yet?";
    HaveAccount => "已有账号？", "Already registered?";
    RegisterTitle => "注册账号", "Create an account";
    RegisterAsVendor => "我是摊贩", "I'm a vendor";
    RegisterAsShop => "我是沿街商户 / 企业", "I'm a shop or firm";
    RealName => "真实姓名", "Real name";
    IdNumber => "身份证号", "Resident ID number";
    IdNumberHint => "18 位，用于实名核验，仅您本人和审核人员可见", "18 characters; for identity checks, seen only by you and reviewers";
    Phone => "手机号", "Mobile number";
    PhoneHint => "登录时使用", "Used to sign in";
    PasswordHint => "至少 8 位，包含字母和数字", "At least 8 characters with letters and digits";
    ShopName => "店铺或企业名称", "Shop or company name";
    CreditCode => "统一社会信用代码", "Unified social credit code";
    CreditCodeHint => "营业执照上的 18 位代码", "The 18-character code on the business licence";
    ContactName => "联系人姓名", "Contact person";
    RegisterSubmit => "注册并登录", "Register and sign in";
    // Account
    AccountTitle => "我的账户", "My account";
    Role => "身份", "Role";
    Name => "名称", "Name";
    Login => "登录名", "Login";
    District => "所属区", "District";
    RegisteredAt => "注册时间", "Registered";
    ChangePassword => "修改密码", "Change password";
    CurrentPassword => "当前密码", "Current password";
    NewPassword => "新密码", "New password";
    ChangePasswordSubmit => "保存新密码", "Save new password";
    PasswordChanged => "密码已修改，其他设备上的登录已退出。", "Password changed; other devices were signed out.";
    NotSignedIn => "请先登录。", "Please sign in first.";
    // Users
    UsersTitle => "用户管理", "User management";
    UsersLead => "创建区城管和市级管理员账号。区城管只能看到本区的数据。", "Create district officer and city admin accounts. Officers see only their own district.";
    NewStaff => "新建工作人员账号", "New staff account";
    Username => "用户名", "Username";
    DisplayName => "姓名", "Name";
    Select => "请选择", "Select";
    CreateStaff => "创建账号", "Create account";
    StaffCreated => "账号已创建", "Account created";
    Total => "共", "Total";
    Disabled => "已停用", "Disabled";
    // Shop filings (跨店经营 / 外摆促销) and the policy self-check
    NavMyFilings => "我的备案", "My filings";
    NavSelfCheck => "政策自查", "Policy self-check";
    NavFilingQueue => "备案审核", "Filing reviews";
    NavPolicy => "政策规则", "Policy rules";
    NavSegments => "路段分类", "Street segments";
    NavPermits => "我的许可", "My permits";
    NavInspect => "现场检查", "Inspect";
    NavDashboard => "数据看板", "Dashboard";
    NavInbox => "消息", "Messages";
    ReportProblem => "反映问题", "Report a problem";
    LiveCheck => "实时检查（提交前，按现行政策逐条核对）", "Live check (before you submit, clause by clause against the current policy)";
    ServerDecides => "提交后以服务器按同一规则重新核对的结果为准。", "After you submit, the server re-checks with the same rules and its result counts.";
    Clause => "条款", "Clause";
    Source => "依据", "Source";
    BorrowedFrom => "参照", "Borrowed from";
    StartCrossStore => "办理跨店经营备案", "File shopfront trading";
    StartOutdoorPromo => "办理外摆促销备案", "File an outdoor promotion";
    ExemptNote => "属于免于备案情形，可直接经营，但仍须遵守以下要求。", "This is exempt from filing; you may go ahead but must still follow these duties.";
    SelfCheckTitle => "政策自查：我的经营活动需要办理什么？", "Self-check: what does my activity need?";
    SelfCheckLead => "回答几个问题，看看是否属于“五豁免、十允许”范围、需要备案还是审批。", "Answer a few questions to see whether it falls under the five exemptions and ten permissions, needs filing, or needs approval.";
    Back => "上一步", "Back";
    StartOver => "重新开始", "Start over";
    PolicyVersion => "政策版本", "Policy version";
    ShopsSignIn => "请以商户身份登录后办理备案。", "Please sign in as a shop to file.";
    ShopsOnly => "只有商户账号可以办理备案。", "Only shop accounts can file.";
    CrossStoreTitle => "跨店经营备案", "Shopfront trading filing";
    CrossStoreLead => "在店门前人行道划定区域内延伸经营。先在地图上选择路段并画出经营范围，系统会按现行政策实时检查。", "Trade on the sidewalk in front of your shop. Pick the street segment and draw the area; the current rules are checked as you go.";
    Segment => "路段", "Street segment";
    Sidewalk => "人行道宽度", "Sidewalk width";
    MaxDepth => "最大外延深度", "Maximum depth";
    MinClearance => "最小通行宽度", "Minimum clear walkway";
    Trade => "经营业态", "Trade";
    Frontage => "门店临街宽度（米）", "Shop frontage (m)";
    Depth => "外延深度（米）", "Depth from the shopfront (m)";
    TimeWindows => "经营时段", "Trading hours";
    StartsOn => "开始日期", "Starts on";
    EndsOn => "结束日期", "Ends on";
    FrontageDuties => "我承诺落实“门前三包”（市容、环境卫生、秩序），收摊后恢复原状。", "I will keep the frontage clean, tidy and orderly and clear everything away after trading.";
    SubmitFiling => "提交备案", "Submit filing";
    SegmentMapHelp => "在地图上点击路段选择；再在路段旁点击画出经营范围（至少 3 个点）。", "Click a street segment on the map, then click beside it to draw the trading area (at least 3 points).";
    DrawArea => "画出经营范围", "Draw the area";
    OutdoorPromoTitle => "外摆促销备案", "Outdoor promotion filing";
    OutdoorPromoLead => "在商业体外广场、门前空地开展促销展示活动。提交前可实时看到每一条规则的检查结果。", "Promotions on plazas and forecourts outside shops and malls. You see every rule's result before you submit.";
    Venue => "活动场地名称", "Venue";
    EventDescription => "活动内容", "What the event is";
    AreaM2 => "占用面积（平方米）", "Area used (m²)";
    Visitors => "预计人流（人次/日）", "Expected visitors per day";
    DailyFrom => "每日开始", "Daily from";
    DailyTo => "每日结束", "Daily until";
    Commitments => "安全与秩序承诺", "Safety and order commitments";
    NoLoudspeakers => "不使用高音喇叭等扩音设备招揽", "No loudspeakers to attract customers";
    FireLanesClear => "不占用消防通道、盲道", "Fire lanes and tactile paving kept clear";
    NoCooking => "现场不进行明火烹饪", "No open-flame cooking on site";
    TemporaryAds => "设置临时广告或展板", "Temporary signs or display boards";
    AdsRemovedBy => "广告撤除日期", "Signs removed by";
    PickLocation => "在地图上点击活动位置", "Click the event's location on the map";
    MyFilings => "我的备案", "My filings";
    NoFilings => "还没有备案。", "No filings yet.";
    DownloadCertificate => "下载备案凭证（PDF）", "Download certificate (PDF)";
    VerifyTitle => "许可核验", "Permit check";
    VerifyNotFound => "未找到该许可。", "No permit with this code.";
    VerifyNotFoundHint => "请核对凭证上的核验码；如怀疑伪造，请拨打 12345 反映。", "Check the code on the certificate; if you suspect a forgery, call 12345.";
    Holder => "持证人", "Holder";
    ValidPeriod => "有效期", "Valid";
    AwaitingReview => "等待区城管审核", "Awaiting district review";
    FilingReturned => "备案被退回，请按以下意见修改：", "The filing was returned; please correct:";
    CorrectAndResubmit => "修改后重新提交", "Correct and resubmit";
    ServerEvaluation => "服务器核对结果", "Server's check";
    Approve => "同意", "Approve";
    Reject => "不同意", "Reject";
    ReturnItemsOnePerLine => "退回修改意见（每行一条）", "Items to correct (one per line)";
    RevokeAfterInspection => "现场检查后撤销", "Revoke after inspection";
    Revoke => "撤销许可", "Revoke permit";
    // Misc
    NotFoundTitle => "页面不存在", "Page not found";
    NotFoundBody => "您访问的页面不存在或已移动。", "The page does not exist or has moved.";
    BackHome => "返回首页", "Back to home";
    Forbidden => "您没有权限查看此页面。", "You may not view this page.";
    Required => "必填", "required";
}
