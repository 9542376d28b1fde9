//! The demo workspace: fictional people and accounts, with dates relative to the day the demo runs.

/// A person on the demo sales team.
pub struct DemoPerson {
    pub key: &'static str,            // short handle used below, e.g. "dana"
    pub name: &'static str,
    pub email: &'static str,          // lowercase, @demo.planbot.dev
    pub slack_id: &'static str,       // "U0DEMO001".. unique
    pub tz: &'static str,             // IANA zone
    pub manager: Option<&'static str>,// key of their manager
    pub admin: bool,
}

pub struct DemoAccount {
    pub name: &'static str,
    pub external_id: &'static str,    // CRM id like "0015e00000AcmeQAA" (unique)
    pub rank: i16,                    // 1 most strategic .. 3
    pub rank_notes: &'static str,
    pub tier: &'static str,           // "Enterprise", "Mid-market", "Strategic"...
    pub industry: &'static str,
    pub annual_spend: i64,            // whole USD
    pub renewal_in_days: i64,         // days from today
    pub slack_channel: Option<&'static str>, // channel id like "C0DEMOACME", or None
    pub team: &'static [(&'static str, &'static str)], // (person key, role) role in: owner, sa, csm, tam, renewals, sdr, partner, leader — exactly one owner
    pub plan: DemoPlan,
    pub actions: &'static [DemoAction],
    pub contacts: &'static [DemoContact],
    pub whitespace: &'static [DemoWhitespace],
    pub intel: &'static [DemoIntel],
}

pub struct DemoPlan {
    pub name: &'static str,           // e.g. "Expand FY27"
    pub plan_type: &'static str,      // land | expand | opportunity | command | success
    pub status: &'static str,         // draft | active | closed
    pub due_in_days: Option<i64>,     // None: the renewal date
    /// In this order: business_overview, industry_trends, summary_history, entitled_solutions,
    /// digital_strategy, strategic_partnerships, goals, initiatives, goals_6m, goals_12m,
    /// goals_18m, our_initiatives, threats_risks, action_plan. "" means not written yet.
    pub sections: [&'static str; 14],
}

pub struct DemoAction {
    pub title: &'static str,
    pub owner: &'static str,          // person key (should be on the account team)
    pub due_in_days: Option<i64>,     // negative = overdue
    pub done: bool,
}

pub struct DemoContact {
    pub name: &'static str,
    pub title: &'static str,
    pub email: &'static str,
    pub reports_to: Option<&'static str>,   // name of another contact of the same account
    pub influence: &'static str,            // high | medium | low
    pub buying_role: &'static str,          // champion | economic_buyer | technical_buyer | influencer | user | blocker
    pub sentiment: &'static str,            // promoter | neutral | detractor
    pub strength: i16,                      // 1..=5 our relationship strength
    pub relationship_owner: Option<&'static str>, // person key
    pub tracked: bool,                      // a tracked sponsor (profile changes are watched)
    pub location: &'static str,             // "Chicago, IL"
}

pub struct DemoWhitespace {
    pub stage: &'static str,          // plan | create | verify | package | secure | release | configure | monitor | govern
    pub vendor: &'static str,         // incumbent vendor/technology (fictional-sounding or generic like "Jenkins (self-hosted)", "in-house scripts")
    pub likes: &'static str,
    pub dislikes: &'static str,
    pub annual_spend: Option<i64>,
    pub contract_end_in_days: Option<i64>,
    pub appetite: &'static str,       // none | low | medium | high
}

pub struct DemoIntel {
    pub headline: &'static str,
    pub url: &'static str,            // https://news.example.com/... unique, plausible path
    pub summary: &'static str,
    pub category: &'static str,       // funding | acquisition | leadership_change | layoffs | earnings | product_launch | partnership | legal_regulatory | security_incident | other
    pub days_ago: i64,
    pub source: &'static str,         // e.g. "https://news.example.com/feeds/acme.xml"
}

/// A change seen on a tracked sponsor (applied after the accounts are seeded).
pub struct DemoSponsorChange {
    pub account: &'static str,
    pub contact: &'static str,
    pub attribute: &'static str,      // title | company | location
    pub old_value: &'static str,
    pub new_value: &'static str,
    pub days_ago: i64,
}

pub static PEOPLE: &[DemoPerson] = &[
    DemoPerson {
        key: "marcus",
        name: "Marcus Lee",
        email: "marcus.lee@demo.planbot.dev",
        slack_id: "U0DEMO001",
        tz: "America/Chicago",
        manager: None,
        admin: false,
    },
    DemoPerson {
        key: "dana",
        name: "Dana Reyes",
        email: "dana.reyes@demo.planbot.dev",
        slack_id: "U0DEMO002",
        tz: "America/New_York",
        manager: Some("marcus"),
        admin: false,
    },
    DemoPerson {
        key: "jordan",
        name: "Jordan Blake",
        email: "jordan.blake@demo.planbot.dev",
        slack_id: "U0DEMO003",
        tz: "America/Los_Angeles",
        manager: Some("marcus"),
        admin: false,
    },
    DemoPerson {
        key: "lena",
        name: "Lena Fischer",
        email: "lena.fischer@demo.planbot.dev",
        slack_id: "U0DEMO004",
        tz: "Europe/Berlin",
        manager: Some("marcus"),
        admin: false,
    },
    DemoPerson {
        key: "sam",
        name: "Sam Patel",
        email: "sam.patel@demo.planbot.dev",
        slack_id: "U0DEMO005",
        tz: "America/New_York",
        manager: Some("marcus"),
        admin: false,
    },
    // Priya, Alex and Chris report into Customer Success and Revenue Operations leaders
    // who are not part of the demo workspace.
    DemoPerson {
        key: "priya",
        name: "Priya Nair",
        email: "priya.nair@demo.planbot.dev",
        slack_id: "U0DEMO006",
        tz: "Europe/London",
        manager: None,
        admin: false,
    },
    DemoPerson {
        key: "alex",
        name: "Alex Kim",
        email: "alex.kim@demo.planbot.dev",
        slack_id: "U0DEMO007",
        tz: "America/Denver",
        manager: None,
        admin: false,
    },
    DemoPerson {
        key: "chris",
        name: "Chris Wong",
        email: "chris.wong@demo.planbot.dev",
        slack_id: "U0DEMO008",
        tz: "America/Los_Angeles",
        manager: None,
        admin: true,
    },
];

pub static ACCOUNTS: &[DemoAccount] = &[
    // ------------------------------------------------------------------------------------------
    // Acme Corporation — Dana's only account. Expansion to Ultimate at renewal, single-threaded.
    // ------------------------------------------------------------------------------------------
    DemoAccount {
        name: "Acme Corporation",
        external_id: "0015e00000AcmeCQAA",
        rank: 1,
        rank_notes: "Largest manufacturing logo in the region; the Ultimate upgrade at renewal is our biggest \
                     FY27 expansion in Central.",
        tier: "Enterprise",
        industry: "Industrial manufacturing",
        annual_spend: 1_850_000,
        renewal_in_days: 75,
        slack_channel: Some("C0DEMOACME"),
        team: &[("dana", "owner"), ("sam", "sa"), ("priya", "csm"), ("alex", "renewals")],
        plan: DemoPlan {
            name: "Expand FY27",
            plan_type: "expand",
            status: "active",
            due_in_days: None,
            sections: [
                // business_overview
                "Acme builds industrial automation equipment (packaging lines, CNC controllers and the \
                 FactoryLink telemetry gateway) across 14 plants in North America and Mexico, about $4.2B in \
                 revenue. Roughly 1,900 engineers split between embedded firmware (Columbus, Monterrey) and \
                 cloud software (Chicago).",
                // industry_trends
                "Equipment buyers now ask for SBOMs and IEC 62443-4-1 secure-development evidence in every RFP \
                 for connected machines. Tariff pressure has procurement reviewing every tooling line item.",
                // summary_history
                "Customer since 2021: landed 600 Premium seats with the cloud team, grew to 2,400 when the \
                 firmware group left its legacy SVN server in 2024. Last renewal closed three weeks late after \
                 procurement pushed for 12% off; we held at 6%.",
                // entitled_solutions
                "2,400 Premium seats, self-managed on two HA nodes in the Chicago data center, 50,000 hosted \
                 compute minutes a month and Business support. Security scanning is not entitled; firmware \
                 teams pay for a separate SAST tool.",
                // digital_strategy
                "Program 'Keystone' connects every new machine to the FactoryLink cloud by 2027 and sells \
                 predictive maintenance as a subscription. Hannah Okafor's mandate is monthly over-the-air \
                 firmware releases instead of two a year.",
                // strategic_partnerships
                "Cloud workloads run on a hyperscaler under a committed-spend agreement, so Acme prefers to \
                 buy through the marketplace. Ridgeline Consulting, a regional SI, runs the embedded build \
                 farm and has a say in tooling.",
                // goals
                "Cut the firmware release cycle from 6 months to 4 weeks, pass IEC 62443-4-1 certification for \
                 the FactoryLink gateway, and reduce tooling vendors from 11 to 6 by the end of FY27.",
                // initiatives
                "Keystone OTA delivery; the 62443 certification program run by the product security office; \
                 a procurement-led tooling consolidation that names Jenkins, the SAST tool and the artifact \
                 repository as candidates to cut.",
                // goals_6m
                "Close the upgrade of all 2,400 seats to Ultimate at renewal (+$620k ARR). Have 3 firmware teams \
                 scanning every merge request and retire 2 of the 9 Jenkins controllers.",
                // goals_12m
                "Security scanning on 100% of FactoryLink repositories, 40% of Jenkins pipelines migrated, and \
                 our package registry replacing the artifact repository for firmware images before its contract \
                 ends.",
                // goals_18m
                "Reach 3,000 seats with the Monterrey engineering expansion, retire all 9 Jenkins controllers, \
                 and publish a joint 62443 case study with Acme at our user conference.",
                // our_initiatives
                "A 30-day Ultimate trial for the Keystone group with a scanning workshop, a Jenkins migration \
                 assessment led by Sam, and an executive briefing with our CTO office before renewal.",
                // threats_risks
                "Single-threaded: Hannah Okafor is our only high-influence promoter and the CIO is neutral\n\
                 The CISO trusts the incumbent SAST vendor and could block the Ultimate upgrade\n\
                 Procurement wants a flat renewal and may push the upgrade into a separate FY28 decision\n\
                 Ridgeline Consulting is certified on a rival CI vendor and has pitched it for the build farm",
                // action_plan
                "Before renewal: turn the CISO with real trial findings, open a second executive line to the \
                 CIO, and put one proposal (renewal plus Ultimate) in front of procurement by day 45. After \
                 signature, start the Jenkins migration with the Columbus firmware group.",
            ],
        },
        actions: &[
            DemoAction {
                title: "Send the FY27 expansion proposal (renewal + Ultimate upgrade) to Hannah Okafor",
                owner: "dana",
                due_in_days: Some(-3),
                done: false,
            },
            DemoAction {
                title: "Book the executive briefing between Gregory Tan and our CTO office",
                owner: "dana",
                due_in_days: Some(-8),
                done: false,
            },
            DemoAction {
                title: "Share the trial's critical SAST findings with Raymond Kowalski's AppSec leads",
                owner: "sam",
                due_in_days: Some(-1),
                done: false,
            },
            DemoAction {
                title: "Collect procurement's redlines on the MSA amendment from Paul Whitaker",
                owner: "alex",
                due_in_days: Some(-12),
                done: false,
            },
            DemoAction {
                title: "Run a security scanning workshop with the Keystone firmware teams",
                owner: "sam",
                due_in_days: Some(2),
                done: false,
            },
            DemoAction {
                title: "Get deal desk approval for the Ultimate upgrade discount and refresh the renewal quote",
                owner: "alex",
                due_in_days: Some(5),
                done: false,
            },
            DemoAction {
                title: "Draft the Jenkins migration assessment for the Columbus build farm",
                owner: "sam",
                due_in_days: Some(21),
                done: false,
            },
            DemoAction {
                title: "Hold the quarterly success review with Lucia Fernández's platform team",
                owner: "priya",
                due_in_days: Some(34),
                done: false,
            },
            DemoAction {
                title: "Enable the 30-day Ultimate trial on the Keystone group",
                owner: "sam",
                due_in_days: Some(-20),
                done: true,
            },
            DemoAction {
                title: "Map the CIO's staff and budget process with Hannah",
                owner: "dana",
                due_in_days: Some(-14),
                done: true,
            },
        ],
        contacts: &[
            DemoContact {
                name: "Gregory Tan",
                title: "Chief Information Officer",
                email: "gregory.tan@acmecorp.example",
                reports_to: None,
                influence: "high",
                buying_role: "economic_buyer",
                sentiment: "neutral",
                strength: 2,
                relationship_owner: Some("dana"),
                tracked: true,
                location: "Chicago, IL",
            },
            DemoContact {
                name: "Hannah Okafor",
                title: "VP Engineering",
                email: "hannah.okafor@acmecorp.example",
                reports_to: Some("Gregory Tan"),
                influence: "high",
                buying_role: "champion",
                sentiment: "promoter",
                strength: 5,
                relationship_owner: Some("dana"),
                tracked: true,
                location: "Chicago, IL",
            },
            DemoContact {
                name: "Raymond Kowalski",
                title: "Chief Information Security Officer",
                email: "raymond.kowalski@acmecorp.example",
                reports_to: Some("Gregory Tan"),
                influence: "high",
                buying_role: "blocker",
                sentiment: "detractor",
                strength: 1,
                relationship_owner: Some("sam"),
                tracked: false,
                location: "Columbus, OH",
            },
            DemoContact {
                name: "Paul Whitaker",
                title: "Senior Procurement Manager, IT",
                email: "paul.whitaker@acmecorp.example",
                reports_to: Some("Gregory Tan"),
                influence: "medium",
                buying_role: "influencer",
                sentiment: "neutral",
                strength: 2,
                relationship_owner: Some("alex"),
                tracked: false,
                location: "Chicago, IL",
            },
            DemoContact {
                name: "Lucia Fernández",
                title: "Director of Platform Engineering",
                email: "lucia.fernandez@acmecorp.example",
                reports_to: Some("Hannah Okafor"),
                influence: "medium",
                buying_role: "technical_buyer",
                sentiment: "promoter",
                strength: 4,
                relationship_owner: Some("sam"),
                tracked: false,
                location: "Monterrey, Mexico",
            },
            DemoContact {
                name: "Mei Sato",
                title: "Staff Firmware Engineer",
                email: "mei.sato@acmecorp.example",
                reports_to: Some("Lucia Fernández"),
                influence: "low",
                buying_role: "user",
                sentiment: "promoter",
                strength: 4,
                relationship_owner: Some("priya"),
                tracked: false,
                location: "Columbus, OH",
            },
        ],
        whitespace: &[
            DemoWhitespace {
                stage: "verify",
                vendor: "Jenkins (self-hosted, 9 controllers) with a third-party support contract",
                likes: "Custom plugins for the hardware test rigs",
                dislikes: "Controller upgrades break builds",
                annual_spend: Some(180_000),
                contract_end_in_days: Some(140),
                appetite: "high",
            },
            DemoWhitespace {
                stage: "secure",
                vendor: "Standalone SAST suite (per-developer licence)",
                likes: "CISO trusts its C/C++ rules",
                dislikes: "Findings live outside merge requests",
                annual_spend: Some(260_000),
                contract_end_in_days: Some(95),
                appetite: "medium",
            },
            DemoWhitespace {
                stage: "package",
                vendor: "Self-hosted artifact repository",
                likes: "Handles large firmware images",
                dislikes: "Separate permissions to audit",
                annual_spend: Some(95_000),
                contract_end_in_days: Some(210),
                appetite: "high",
            },
            DemoWhitespace {
                stage: "plan",
                vendor: "Cloud issue tracker",
                likes: "Product managers live in it",
                dislikes: "Per-seat price keeps rising",
                annual_spend: Some(120_000),
                contract_end_in_days: Some(330),
                appetite: "low",
            },
            DemoWhitespace {
                stage: "monitor",
                vendor: "In-house Prometheus and Grafana stack",
                likes: "Plant engineers built their own dashboards",
                dislikes: "Two people keep it alive",
                annual_spend: Some(40_000),
                contract_end_in_days: None,
                appetite: "none",
            },
        ],
        intel: &[
            DemoIntel {
                headline: "Acme names Hannah Okafor Chief Technology Officer",
                url: "https://news.example.com/business/acme-names-hannah-okafor-cto",
                summary: "Okafor, previously VP Engineering, takes over product engineering and the Keystone \
                          connected-factory program.",
                category: "leadership_change",
                days_ago: 3,
                source: "https://news.example.com/feeds/acme.xml",
            },
            DemoIntel {
                headline: "Acme Corporation beats estimates as connected-equipment subscriptions grow 31%",
                url: "https://news.example.com/markets/acme-corporation-q2-results-subscriptions",
                summary: "Subscriptions are now 18% of revenue, and management repeated its goal of connecting \
                          every new machine to FactoryLink by 2027.",
                category: "earnings",
                days_ago: 9,
                source: "https://news.example.com/feeds/acme.xml",
            },
            DemoIntel {
                headline: "Equipment makers race to meet new SBOM rules for connected machinery",
                url: "https://news.example.com/industry/equipment-makers-sbom-rules-acme",
                summary: "Acme is among manufacturers telling customers they will ship SBOMs with every \
                          firmware release from next year.",
                category: "legal_regulatory",
                days_ago: 16,
                source: "https://news.example.com/feeds/acme.xml",
            },
        ],
    },
    // ------------------------------------------------------------------------------------------
    // Globex Industries — large IT footprint, OT land in play, economic buyer just left.
    // ------------------------------------------------------------------------------------------
    DemoAccount {
        name: "Globex Industries",
        external_id: "0015e00000GlobxQAA",
        rank: 1,
        rank_notes: "Second-largest account in the region; landing OT engineering would add ~$540k and lock \
                     in a 2-year term.",
        tier: "Strategic",
        industry: "Energy",
        annual_spend: 2_400_000,
        renewal_in_days: 160,
        slack_channel: Some("C0DEMOGLBX"),
        team: &[("jordan", "owner"), ("sam", "sa"), ("priya", "csm")],
        plan: DemoPlan {
            name: "Expand FY27: OT engineering",
            plan_type: "expand",
            status: "active",
            due_in_days: Some(120),
            sections: [
                // business_overview
                "Globex is a vertically integrated utility and energy trader serving 3.8M customers in the \
                 Mountain West, with a renewables arm building 4 GW of solar and storage. IT has 1,100 \
                 developers; a separate OT engineering group of about 300 maintains SCADA and grid-edge software.",
                // industry_trends
                "NERC CIP-013 supply-chain rules and new state wildfire-mitigation mandates require auditable \
                 change control for field software. After several ransomware incidents in the sector, utilities \
                 are merging OT and IT tooling.",
                // summary_history
                "Landed the trading desk in 2020 and expanded to all of IT in 2023 (1,600 Ultimate seats). OT \
                 engineering still runs a legacy on-prem SCM and a rival CI vendor; two earlier attempts to land \
                 OT stalled on air-gap requirements.",
                // entitled_solutions
                "1,600 Ultimate seats on our SaaS, 200,000 compute minutes a month and Premium support with TAM \
                 hours. The 12-person central AppSec team runs the security dashboards daily.",
                // digital_strategy
                "'GridNext' replaces the outage management system and pushes firmware to 90,000 smart-grid \
                 devices. The CDO wants one auditable software supply chain across IT and OT by 2027.",
                // strategic_partnerships
                "A hyperscaler alliance hosts the trading platform. A Big Four consultancy runs the GridNext PMO \
                 and writes the engineering tooling standards.",
                // goals
                "Pass the 2026 NERC CIP audit with zero software supply-chain findings, cut GridNext release lead \
                 time from 45 days to 10, and consolidate OT and IT DevSecOps tools.",
                // initiatives
                "GridNext; the OT/IT tooling consolidation sponsored by the Chief Digital Officer; a \
                 wildfire-season readiness program that freezes field releases from June to October.",
                // goals_6m
                "Land 300 OT engineering seats on a self-managed, air-gapped instance (~$540k) and get our \
                 platform named in the GridNext tooling standard.",
                // goals_12m
                "Migrate the 140 OT repositories off the legacy SCM, generate SBOMs for 100% of field firmware, \
                 and renew IT at 1,600 seats on a 2-year term.",
                // goals_18m
                "Retire the rival CI vendor in OT (~$310k a year), reach 2,100 total seats, and have Globex \
                 present CIP evidence automation at the utility user group.",
                // our_initiatives
                "Air-gapped reference architecture workshop (Sam), a CIP-013 evidence mapping with our \
                 compliance team, and a joint workplan with the GridNext PMO.",
                // threats_risks
                "Victor Almeida, our economic buyer, left for Cyberdyne Systems; nobody owns the OT tool budget\n\
                 The GridNext consultancy partners with a rival CI vendor and writes the tooling standards\n\
                 The wildfire-season freeze limits OT migration work to November through May\n\
                 Grid Operations leadership distrusts SaaS and anything without an offline install",
                // action_plan
                "Re-establish an economic buyer in the CDO's organisation within 30 days, get the air-gap \
                 architecture signed off by OT security, and package the OT land with a 2-year IT renewal.",
            ],
        },
        actions: &[
            DemoAction {
                title: "Find out who now owns Victor Almeida's OT tooling budget and request a meeting",
                owner: "jordan",
                due_in_days: Some(3),
                done: false,
            },
            DemoAction {
                title: "Run the air-gapped reference architecture workshop with OT engineering in Boise",
                owner: "sam",
                due_in_days: Some(-4),
                done: false,
            },
            DemoAction {
                title: "Send the CIP-013 evidence mapping document to Nadia Haddad",
                owner: "sam",
                due_in_days: Some(10),
                done: false,
            },
            DemoAction {
                title: "Schedule the quarterly review with the central AppSec team on scanner adoption",
                owner: "priya",
                due_in_days: Some(-2),
                done: false,
            },
            DemoAction {
                title: "Draft the 2-year IT renewal plus OT land proposal for Elena Marsh",
                owner: "jordan",
                due_in_days: Some(30),
                done: false,
            },
            DemoAction {
                title: "Get an introduction to the GridNext PMO lead at the consultancy",
                owner: "jordan",
                due_in_days: None,
                done: false,
            },
            DemoAction {
                title: "Export the security dashboard adoption report for the CDO staff meeting",
                owner: "priya",
                due_in_days: Some(-9),
                done: true,
            },
        ],
        contacts: &[
            DemoContact {
                name: "Elena Marsh",
                title: "Chief Digital Officer",
                email: "elena.marsh@globex.example",
                reports_to: None,
                influence: "high",
                buying_role: "influencer",
                sentiment: "neutral",
                strength: 2,
                relationship_owner: Some("jordan"),
                tracked: true,
                location: "Denver, CO",
            },
            DemoContact {
                name: "Victor Almeida",
                title: "SVP Digital Operations",
                email: "victor.almeida@globex.example",
                reports_to: Some("Elena Marsh"),
                influence: "high",
                buying_role: "economic_buyer",
                sentiment: "promoter",
                strength: 4,
                relationship_owner: Some("jordan"),
                tracked: true,
                location: "Denver, CO",
            },
            DemoContact {
                name: "Nadia Haddad",
                title: "Director of Application Security",
                email: "nadia.haddad@globex.example",
                reports_to: Some("Victor Almeida"),
                influence: "high",
                buying_role: "champion",
                sentiment: "promoter",
                strength: 5,
                relationship_owner: Some("sam"),
                tracked: true,
                location: "Salt Lake City, UT",
            },
            DemoContact {
                name: "Karl Jensen",
                title: "VP Grid Operations Technology",
                email: "karl.jensen@globex.example",
                reports_to: Some("Elena Marsh"),
                influence: "high",
                buying_role: "blocker",
                sentiment: "detractor",
                strength: 1,
                relationship_owner: Some("jordan"),
                tracked: false,
                location: "Boise, ID",
            },
            DemoContact {
                name: "Tom Brennan",
                title: "OT Security Lead",
                email: "tom.brennan@globex.example",
                reports_to: Some("Karl Jensen"),
                influence: "medium",
                buying_role: "technical_buyer",
                sentiment: "neutral",
                strength: 2,
                relationship_owner: Some("sam"),
                tracked: false,
                location: "Boise, ID",
            },
            DemoContact {
                name: "Aisha Rahman",
                title: "Principal Engineer, GridNext",
                email: "aisha.rahman@globex.example",
                reports_to: Some("Victor Almeida"),
                influence: "medium",
                buying_role: "user",
                sentiment: "promoter",
                strength: 3,
                relationship_owner: Some("priya"),
                tracked: false,
                location: "Denver, CO",
            },
        ],
        whitespace: &[
            DemoWhitespace {
                stage: "create",
                vendor: "Legacy on-prem SCM (OT engineering)",
                likes: "Runs fully offline",
                dislikes: "No code review workflow",
                annual_spend: Some(85_000),
                contract_end_in_days: Some(120),
                appetite: "high",
            },
            DemoWhitespace {
                stage: "verify",
                vendor: "Rival CI vendor (self-hosted, OT)",
                likes: "Mature Windows build agents",
                dislikes: "Per-agent pricing",
                annual_spend: Some(310_000),
                contract_end_in_days: Some(265),
                appetite: "medium",
            },
            DemoWhitespace {
                stage: "secure",
                vendor: "Container scanning point tool",
                likes: "Good registry integration",
                dislikes: "No coverage for field firmware",
                annual_spend: Some(140_000),
                contract_end_in_days: Some(75),
                appetite: "medium",
            },
            DemoWhitespace {
                stage: "govern",
                vendor: "GRC platform for compliance evidence",
                likes: "Auditors accept its reports",
                dislikes: "Evidence is uploaded by hand",
                annual_spend: Some(220_000),
                contract_end_in_days: Some(380),
                appetite: "low",
            },
        ],
        intel: &[
            DemoIntel {
                headline: "Globex digital operations chief departs for Cyberdyne Systems",
                url: "https://news.example.com/energy/globex-svp-digital-operations-departs",
                summary: "SVP Digital Operations Victor Almeida leaves after six years; CDO Elena Marsh covers \
                          the role while a search runs.",
                category: "leadership_change",
                days_ago: 5,
                source: "https://news.example.com/feeds/globex.xml",
            },
            DemoIntel {
                headline: "Globex Renewables signs 1.2 GW battery supply agreement with Tyrell Corporation",
                url: "https://news.example.com/energy/globex-renewables-tyrell-battery-deal",
                summary: "The storage deal backs three solar-plus-storage sites due online in 2027 and adds more \
                          grid-edge devices to manage.",
                category: "partnership",
                days_ago: 12,
                source: "https://news.example.com/feeds/globex.xml",
            },
            DemoIntel {
                headline: "Globex settles with state regulator over outage-reporting failures",
                url: "https://news.example.com/energy/globex-regulator-settlement-outage-reporting",
                summary: "The $4.5M settlement requires an independent review of changes to outage-management \
                          software over the next two years.",
                category: "legal_regulatory",
                days_ago: 18,
                source: "https://news.example.com/feeds/globex.xml",
            },
        ],
    },
    // ------------------------------------------------------------------------------------------
    // Initech — renewal in 40 days and the plan is still a draft (no active plan, no actions).
    // ------------------------------------------------------------------------------------------
    DemoAccount {
        name: "Initech",
        external_id: "0015e00000InitcQAA",
        rank: 2,
        rank_notes: "At-risk renewal: champion gone and the payments team has moved to a rival suite.",
        tier: "Enterprise",
        industry: "Financial services",
        annual_spend: 640_000,
        renewal_in_days: 40,
        slack_channel: None,
        team: &[("jordan", "owner"), ("priya", "csm"), ("alex", "renewals")],
        plan: DemoPlan {
            name: "Renewal FY27",
            plan_type: "success",
            status: "draft",
            due_in_days: None,
            sections: [
                // business_overview
                "Initech provides core-banking and payments processing software to about 400 US community \
                 banks and credit unions, with 650 engineers in Austin and Raleigh.",
                // industry_trends
                "",
                // summary_history
                "Customer since 2022 at 450 Premium seats. Active usage fell 15% after the 2025 reorg moved the \
                 payments team onto a rival suite; our champion left in Q1 and IT procurement now owns the \
                 renewal.",
                // entitled_solutions
                "450 Premium seats (SaaS), 30,000 compute minutes a month, Standard support. The package \
                 registry and security features are unused.",
                // digital_strategy
                "",
                // strategic_partnerships
                "",
                // goals
                "Pass the vendor audits their bank clients run each year and cut tooling spend 20% this \
                 fiscal year.",
                // initiatives
                "",
                // goals_6m
                "",
                // goals_12m
                "",
                // goals_18m
                "",
                // our_initiatives
                "",
                // threats_risks
                "No champion since the Q1 departure\n\
                 The payments team already runs a rival CI suite and wants the whole company on it\n\
                 Procurement has asked for a 20% price reduction",
                // action_plan
                "",
            ],
        },
        actions: &[],
        contacts: &[
            DemoContact {
                name: "Samantha Cole",
                title: "Chief Technology Officer",
                email: "samantha.cole@initech.example",
                reports_to: None,
                influence: "high",
                buying_role: "economic_buyer",
                sentiment: "neutral",
                strength: 2,
                relationship_owner: Some("jordan"),
                tracked: false,
                location: "Austin, TX",
            },
            DemoContact {
                name: "Derek Vaughn",
                title: "VP Engineering, Payments",
                email: "derek.vaughn@initech.example",
                reports_to: Some("Samantha Cole"),
                influence: "high",
                buying_role: "blocker",
                sentiment: "detractor",
                strength: 1,
                relationship_owner: Some("jordan"),
                tracked: false,
                location: "Raleigh, NC",
            },
            DemoContact {
                name: "Irene Castillo",
                title: "Director of Platform Engineering",
                email: "irene.castillo@initech.example",
                reports_to: Some("Samantha Cole"),
                influence: "medium",
                buying_role: "champion",
                sentiment: "promoter",
                strength: 3,
                relationship_owner: Some("priya"),
                tracked: false,
                location: "Austin, TX",
            },
            DemoContact {
                name: "Greg Holloway",
                title: "IT Procurement Lead",
                email: "greg.holloway@initech.example",
                reports_to: Some("Samantha Cole"),
                influence: "medium",
                buying_role: "influencer",
                sentiment: "neutral",
                strength: 2,
                relationship_owner: Some("alex"),
                tracked: false,
                location: "Austin, TX",
            },
            DemoContact {
                name: "Nikhil Rao",
                title: "Senior DevOps Engineer",
                email: "nikhil.rao@initech.example",
                reports_to: Some("Irene Castillo"),
                influence: "low",
                buying_role: "user",
                sentiment: "promoter",
                strength: 4,
                relationship_owner: Some("priya"),
                tracked: false,
                location: "Austin, TX",
            },
        ],
        whitespace: &[
            DemoWhitespace {
                stage: "verify",
                vendor: "Rival CI suite (payments team)",
                likes: "Bundled with their IDE licences",
                dislikes: "Slow hosted runners",
                annual_spend: Some(120_000),
                contract_end_in_days: Some(45),
                appetite: "low",
            },
            DemoWhitespace {
                stage: "secure",
                vendor: "Open-source scanners run from in-house scripts",
                likes: "No licence cost",
                dislikes: "Nobody owns triage",
                annual_spend: None,
                contract_end_in_days: None,
                appetite: "medium",
            },
            DemoWhitespace {
                stage: "govern",
                vendor: "Spreadsheet-based change approvals",
                likes: "Auditors know the format",
                dislikes: "Two days per audit sample",
                annual_spend: None,
                contract_end_in_days: None,
                appetite: "high",
            },
        ],
        intel: &[
            DemoIntel {
                headline: "Initech cuts 8% of staff in payments unit restructuring",
                url: "https://news.example.com/fintech/initech-payments-restructuring-layoffs",
                summary: "Initech is folding Raleigh payments engineering into Austin and says it will trim \
                          software vendor spend.",
                category: "layoffs",
                days_ago: 9,
                source: "https://news.example.com/feeds/initech.xml",
            },
            DemoIntel {
                headline: "Initech signs 12 credit-union core conversions as backlog grows",
                url: "https://news.example.com/fintech/initech-credit-union-conversions-backlog",
                summary: "Quarterly bookings beat guidance on core-banking conversions, though payments revenue \
                          was flat year over year.",
                category: "earnings",
                days_ago: 15,
                source: "https://news.example.com/feeds/initech.xml",
            },
        ],
    },
    // ------------------------------------------------------------------------------------------
    // Umbrella Health — Diagnostics is a customer; land the Clinical Platforms group.
    // ------------------------------------------------------------------------------------------
    DemoAccount {
        name: "Umbrella Health",
        external_id: "0015e00000UmbrlQAA",
        rank: 2,
        rank_notes: "Existing Diagnostics customer; Clinical Platforms is the largest open land in EMEA \
                     healthcare.",
        tier: "Enterprise",
        industry: "Healthcare",
        annual_spend: 980_000,
        renewal_in_days: 210,
        slack_channel: None,
        team: &[("lena", "owner"), ("sam", "sa")],
        plan: DemoPlan {
            name: "Land FY27",
            plan_type: "land",
            status: "active",
            due_in_days: Some(180),
            sections: [
                // business_overview
                "Umbrella Health runs 62 hospitals and 380 diagnostics labs in Germany, the Netherlands and the \
                 Nordics. Its Diagnostics division is our customer; the larger Clinical Platforms group (~800 \
                 engineers in Berlin and Amsterdam) builds the patient app and EHR integrations on a separate \
                 toolchain.",
                // industry_trends
                "NIS2 classes hospitals as essential entities with strict supply-chain and incident-reporting \
                 duties, and the European Health Data Space raises the bar on data handling. German hospital \
                 digitalisation funding ends in 2026, so projects have to ship this year.",
                // summary_history
                "Diagnostics landed in 2022 with 500 Premium seats and moved to Ultimate in 2024. Clinical \
                 Platforms evaluated us in 2024 but stayed on a rival CI vendor after a pricing dispute; the \
                 executive behind that call has since left.",
                // entitled_solutions
                "Diagnostics: 550 Ultimate seats, self-managed in an EU data centre, with dependency and \
                 container scanning live on the lab-software repositories. Nothing deployed in Clinical \
                 Platforms.",
                // digital_strategy
                "'Umbrella Connect' unifies the patient app, booking and EHR integrations for all hospitals by \
                 Q4 2026. The new Group CIO wants one platform standard across divisions to pass NIS2 audits.",
                // strategic_partnerships
                "A large clinical software provider supplies the EHR. A German sovereign-cloud provider hosts \
                 all patient data, and any tool touching it must run there.",
                // goals
                "NIS2 compliance across all divisions before the 2026 audit, Umbrella Connect live in 62 \
                 hospitals, and time-to-patch for critical vulnerabilities down from 30 days to 7.",
                // initiatives
                "Umbrella Connect; a group platform standardisation led by the Group CIO; a NIS2 readiness \
                 program run by the CISO office.",
                // goals_6m
                "Complete a 60-day proof of value with 2 Clinical Platforms teams (40 developers) and have the \
                 group platform standard drafted with us as the reference.",
                // goals_12m
                "Land Clinical Platforms with 800 Ultimate seats self-managed in the sovereign cloud (~$1.1M new \
                 ARR) and migrate the Umbrella Connect repositories.",
                // goals_18m
                "One group-wide instance for Diagnostics and Clinical Platforms (1,400 seats), with critical \
                 vulnerabilities patched in under 7 days as measured on our security dashboards.",
                // our_initiatives
                "Diagnostics reference visit for Clinical Platforms leaders, a NIS2 control-mapping workshop \
                 for the CISO office, and a sovereign-cloud deployment blueprint from Sam.",
                // threats_risks
                "Pieter de Vries led the 2024 decision against us and still prefers the incumbent\n\
                 Sovereign-cloud hosting rules out our SaaS and may stretch the proof of value\n\
                 A group budget freeze is possible if digitalisation funding is delayed",
                // action_plan
                "Use Diagnostics as the proof point: reference visit within 3 weeks, proof of value kick-off \
                 within 45 days, and a consolidated group proposal in time for the October budget round.",
            ],
        },
        actions: &[
            DemoAction {
                title: "Set up the Diagnostics reference visit in Hamburg for the Clinical Platforms leads",
                owner: "lena",
                due_in_days: Some(-5),
                done: false,
            },
            DemoAction {
                title: "Send the sovereign-cloud deployment blueprint to Jonas Weber",
                owner: "sam",
                due_in_days: Some(4),
                done: false,
            },
            DemoAction {
                title: "Agree proof-of-value success criteria with Dr. Katrin Vogel",
                owner: "lena",
                due_in_days: Some(14),
                done: false,
            },
            DemoAction {
                title: "Prepare the NIS2 control-mapping workshop for Sofie Lindqvist's team",
                owner: "sam",
                due_in_days: None,
                done: false,
            },
            DemoAction {
                title: "Confirm Diagnostics' renewal contacts after the division reorg",
                owner: "lena",
                due_in_days: Some(-10),
                done: true,
            },
        ],
        contacts: &[
            DemoContact {
                name: "Dr. Katrin Vogel",
                title: "Group Chief Information Officer",
                email: "katrin.vogel@umbrellahealth.example",
                reports_to: None,
                influence: "high",
                buying_role: "economic_buyer",
                sentiment: "promoter",
                strength: 3,
                relationship_owner: Some("lena"),
                tracked: true,
                location: "Frankfurt, Germany",
            },
            DemoContact {
                name: "Jonas Weber",
                title: "Head of Platform Engineering, Diagnostics",
                email: "jonas.weber@umbrellahealth.example",
                reports_to: Some("Dr. Katrin Vogel"),
                influence: "medium",
                buying_role: "champion",
                sentiment: "promoter",
                strength: 5,
                relationship_owner: Some("sam"),
                tracked: false,
                location: "Hamburg, Germany",
            },
            DemoContact {
                name: "Pieter de Vries",
                title: "VP Engineering, Clinical Platforms",
                email: "pieter.devries@umbrellahealth.example",
                reports_to: Some("Dr. Katrin Vogel"),
                influence: "high",
                buying_role: "blocker",
                sentiment: "detractor",
                strength: 1,
                relationship_owner: Some("lena"),
                tracked: false,
                location: "Amsterdam, Netherlands",
            },
            DemoContact {
                name: "Sofie Lindqvist",
                title: "Chief Information Security Officer",
                email: "sofie.lindqvist@umbrellahealth.example",
                reports_to: Some("Dr. Katrin Vogel"),
                influence: "high",
                buying_role: "technical_buyer",
                sentiment: "neutral",
                strength: 2,
                relationship_owner: Some("sam"),
                tracked: false,
                location: "Stockholm, Sweden",
            },
            DemoContact {
                name: "Marco Bauer",
                title: "Engineering Manager, Umbrella Connect",
                email: "marco.bauer@umbrellahealth.example",
                reports_to: Some("Pieter de Vries"),
                influence: "medium",
                buying_role: "influencer",
                sentiment: "neutral",
                strength: 2,
                relationship_owner: Some("lena"),
                tracked: false,
                location: "Berlin, Germany",
            },
            DemoContact {
                name: "Anja Krüger",
                title: "Senior DevOps Engineer, Diagnostics",
                email: "anja.krueger@umbrellahealth.example",
                reports_to: Some("Jonas Weber"),
                influence: "low",
                buying_role: "user",
                sentiment: "promoter",
                strength: 4,
                relationship_owner: Some("sam"),
                tracked: false,
                location: "Hamburg, Germany",
            },
        ],
        whitespace: &[
            DemoWhitespace {
                stage: "verify",
                vendor: "Rival CI vendor, cloud (Clinical Platforms)",
                likes: "Fast hosted runners",
                dislikes: "Build data stored outside the EU",
                annual_spend: Some(290_000),
                contract_end_in_days: Some(170),
                appetite: "medium",
            },
            DemoWhitespace {
                stage: "create",
                vendor: "Cloud Git hosting (Clinical Platforms)",
                likes: "Developers already know it",
                dislikes: "Weak audit logging for NIS2",
                annual_spend: Some(160_000),
                contract_end_in_days: Some(170),
                appetite: "medium",
            },
            DemoWhitespace {
                stage: "secure",
                vendor: "Standalone dependency scanner",
                likes: "Good licence compliance reports",
                dislikes: "Noisy alerts, no auto-remediation",
                annual_spend: Some(75_000),
                contract_end_in_days: Some(60),
                appetite: "high",
            },
            DemoWhitespace {
                stage: "monitor",
                vendor: "Commercial APM suite",
                likes: "Hospital IT dashboards rely on it",
                dislikes: "Cost grows with every host",
                annual_spend: Some(380_000),
                contract_end_in_days: Some(400),
                appetite: "none",
            },
        ],
        intel: &[
            DemoIntel {
                headline: "Umbrella Health hires Massive Dynamic executive as Group CIO",
                url: "https://news.example.com/health/umbrella-health-new-group-cio",
                summary: "Dr. Katrin Vogel joins from Massive Dynamic's health unit with a mandate to standardise \
                          technology platforms across the group.",
                category: "leadership_change",
                days_ago: 14,
                source: "https://news.example.com/feeds/umbrella-health.xml",
            },
            DemoIntel {
                headline: "Ransomware attack on Dutch lab supplier delays Umbrella Health test results",
                url: "https://news.example.com/health/dutch-lab-supplier-ransomware-umbrella",
                summary: "Umbrella says its own systems were not breached, but Dutch lab turnaround slowed for \
                          three days while the supplier recovered.",
                category: "security_incident",
                days_ago: 7,
                source: "https://news.example.com/feeds/umbrella-health.xml",
            },
        ],
    },
    // ------------------------------------------------------------------------------------------
    // Stark Industries — largest account, multi-threaded, air-gapped expansion.
    // ------------------------------------------------------------------------------------------
    DemoAccount {
        name: "Stark Industries",
        external_id: "0015e00000StarkQAA",
        rank: 1,
        rank_notes: "Largest account in the region and a public reference; the air-gapped expansion is a \
                     $1.2M FY27 commit.",
        tier: "Strategic",
        industry: "Aerospace & defense",
        annual_spend: 3_100_000,
        renewal_in_days: 300,
        slack_channel: Some("C0DEMOSTRK"),
        team: &[("lena", "owner"), ("sam", "sa"), ("priya", "tam"), ("marcus", "leader")],
        plan: DemoPlan {
            name: "Expand FY27: classified programs",
            plan_type: "expand",
            status: "active",
            due_in_days: Some(150),
            sections: [
                // business_overview
                "Stark Industries designs avionics, satellite buses and unmanned systems, with 4,500 software \
                 engineers across Long Beach, Munich and Toulouse. The Munich software centre of excellence sets \
                 tooling standards for the whole group, which is why the account is run from EMEA.",
                // industry_trends
                "Defense primes must meet CMMC 2.0 in the US and tightening EU defence-industrial security \
                 rules, both requiring isolated build environments and provenance for every binary. \
                 Software-defined aircraft make the toolchain program-critical.",
                // summary_history
                "Customer since 2019, expanded twice in three years; 3,000 Ultimate seats on two self-managed \
                 instances. The Munich CoE standardised on us in 2025, but classified programs still build on \
                 disconnected networks with a legacy toolchain.",
                // entitled_solutions
                "3,000 Ultimate seats on two geo-replicated self-managed instances (Long Beach, Munich), Premium \
                 support with a named TAM (Priya) and an annual on-site health check.",
                // digital_strategy
                "Program 'Jarvis' moves all avionics to model-based development with DO-178C certification \
                 evidence produced by pipelines. The CTO wants the same platform on unclassified and air-gapped \
                 networks by 2027.",
                // strategic_partnerships
                "A large defense systems integrator partners with Stark on two fighter programs; Oscorp Test \
                 Systems supplies hardware-in-the-loop rigs that must plug into CI.",
                // goals
                "Automate DO-178C evidence for 3 avionics programs, stand up air-gapped build environments for \
                 6 classified programs, and pass a CMMC Level 2 assessment in FY27.",
                // initiatives
                "Project Jarvis; the classified-network platform rollout led by the CISO; consolidation of 4 \
                 legacy test management tools.",
                // goals_6m
                "Sign the air-gapped expansion (800 seats on 3 disconnected instances, ~$1.2M) and get the \
                 reference architecture approved by the CISO.",
                // goals_12m
                "6 classified programs live on air-gapped instances, DO-178C evidence pipelines in production \
                 for the first avionics program, and 3,800 total seats.",
                // goals_18m
                "4,500 seats group-wide, the legacy classified toolchain retired (~$400k a year), and a joint \
                 session with Stark at our public-sector summit.",
                // our_initiatives
                "An offline-install runbook and accreditation package (Sam), an executive sponsor program \
                 pairing Marcus with the CTO, and a TAM-led health check on the Munich instance.",
                // threats_risks
                "Accreditation of the air-gapped build could take 9+ months and push revenue into FY28\n\
                 A defense-focused rival platform is bidding with a program-specific ITAR offering\n\
                 Expansion depends on Jarvis funding, which is reviewed in the next defense budget cycle",
                // action_plan
                "Lock the air-gapped reference architecture with the CISO this quarter, have the Jarvis \
                 program office fund 800 seats from program budget, and keep the Munich CoE as our internal \
                 reference.",
            ],
        },
        actions: &[
            DemoAction {
                title: "Deliver the offline-install runbook to the CISO's accreditation team",
                owner: "sam",
                due_in_days: Some(-6),
                done: false,
            },
            DemoAction {
                title: "Brief Marcus ahead of the executive sponsor call with Dr. Helena Brandt",
                owner: "lena",
                due_in_days: Some(3),
                done: false,
            },
            DemoAction {
                title: "Hold the executive sponsor call with the CTO on Jarvis funding",
                owner: "marcus",
                due_in_days: Some(9),
                done: false,
            },
            DemoAction {
                title: "Get the Jarvis program office to confirm FY27 seat funding in writing",
                owner: "lena",
                due_in_days: Some(25),
                done: false,
            },
            DemoAction {
                title: "Send the DO-178C evidence pipeline demo recording to Rafael Ortiz",
                owner: "sam",
                due_in_days: Some(-2),
                done: false,
            },
            DemoAction {
                title: "Document the CI integration with the Oscorp Test Systems HIL rigs",
                owner: "sam",
                due_in_days: None,
                done: false,
            },
            DemoAction {
                title: "Close out the support escalation on Geo replication lag",
                owner: "priya",
                due_in_days: Some(-15),
                done: true,
            },
        ],
        contacts: &[
            DemoContact {
                name: "Dr. Helena Brandt",
                title: "Chief Technology Officer",
                email: "helena.brandt@starkindustries.example",
                reports_to: None,
                influence: "high",
                buying_role: "economic_buyer",
                sentiment: "promoter",
                strength: 4,
                relationship_owner: Some("marcus"),
                tracked: true,
                location: "Munich, Germany",
            },
            DemoContact {
                name: "Rafael Ortiz",
                title: "VP Digital Engineering, Project Jarvis",
                email: "rafael.ortiz@starkindustries.example",
                reports_to: Some("Dr. Helena Brandt"),
                influence: "high",
                buying_role: "champion",
                sentiment: "promoter",
                strength: 5,
                relationship_owner: Some("lena"),
                tracked: true,
                location: "Long Beach, CA",
            },
            DemoContact {
                name: "Ingrid Sørensen",
                title: "Director, Software Centre of Excellence",
                email: "ingrid.sorensen@starkindustries.example",
                reports_to: Some("Dr. Helena Brandt"),
                influence: "high",
                buying_role: "champion",
                sentiment: "promoter",
                strength: 5,
                relationship_owner: Some("sam"),
                tracked: true,
                location: "Munich, Germany",
            },
            DemoContact {
                name: "James Whitfield",
                title: "Chief Information Security Officer",
                email: "james.whitfield@starkindustries.example",
                reports_to: Some("Dr. Helena Brandt"),
                influence: "high",
                buying_role: "technical_buyer",
                sentiment: "neutral",
                strength: 3,
                relationship_owner: Some("sam"),
                tracked: false,
                location: "Arlington, VA",
            },
            DemoContact {
                name: "Claire Dubois",
                title: "Program Director, Space Systems",
                email: "claire.dubois@starkindustries.example",
                reports_to: Some("Rafael Ortiz"),
                influence: "medium",
                buying_role: "influencer",
                sentiment: "detractor",
                strength: 2,
                relationship_owner: Some("lena"),
                tracked: false,
                location: "Toulouse, France",
            },
            DemoContact {
                name: "Owen Gallagher",
                title: "Category Manager, Software Procurement",
                email: "owen.gallagher@starkindustries.example",
                reports_to: Some("Dr. Helena Brandt"),
                influence: "medium",
                buying_role: "influencer",
                sentiment: "neutral",
                strength: 2,
                relationship_owner: Some("marcus"),
                tracked: false,
                location: "Long Beach, CA",
            },
            DemoContact {
                name: "Yuki Tanaka",
                title: "Principal DevOps Engineer",
                email: "yuki.tanaka@starkindustries.example",
                reports_to: Some("Ingrid Sørensen"),
                influence: "low",
                buying_role: "user",
                sentiment: "promoter",
                strength: 4,
                relationship_owner: Some("priya"),
                tracked: false,
                location: "Munich, Germany",
            },
        ],
        whitespace: &[
            DemoWhitespace {
                stage: "create",
                vendor: "Legacy SCM on classified networks",
                likes: "Already accredited",
                dislikes: "No merge requests or CI hooks",
                annual_spend: Some(210_000),
                contract_end_in_days: Some(250),
                appetite: "high",
            },
            DemoWhitespace {
                stage: "verify",
                vendor: "Four legacy test management tools",
                likes: "DO-178C traceability reports",
                dislikes: "No single view across programs",
                annual_spend: Some(160_000),
                contract_end_in_days: Some(110),
                appetite: "medium",
            },
            DemoWhitespace {
                stage: "secure",
                vendor: "Safety-certified static analyser for Ada and C",
                likes: "Qualified rules for flight code",
                dislikes: "Full scans take all night",
                annual_spend: Some(340_000),
                contract_end_in_days: Some(390),
                appetite: "low",
            },
            DemoWhitespace {
                stage: "package",
                vendor: "Self-hosted artifact repository",
                likes: "Replicates to disconnected sites",
                dislikes: "Manual media transfers",
                annual_spend: Some(120_000),
                contract_end_in_days: Some(60),
                appetite: "medium",
            },
            DemoWhitespace {
                stage: "release",
                vendor: "In-house release scripts per program",
                likes: "Program teams control them",
                dislikes: "No audit trail for approvals",
                annual_spend: None,
                contract_end_in_days: None,
                appetite: "high",
            },
        ],
        intel: &[
            DemoIntel {
                headline: "Stark Industries to acquire unmanned-systems startup Vandelay Robotics for $640M",
                url: "https://news.example.com/defense/stark-industries-acquires-vandelay-robotics",
                summary: "The deal adds about 350 software engineers in Toulouse on a separate toolchain; closing \
                          is expected within two quarters.",
                category: "acquisition",
                days_ago: 2,
                source: "https://news.example.com/feeds/stark.xml",
            },
            DemoIntel {
                headline: "Stark Industries raises full-year guidance on avionics backlog",
                url: "https://news.example.com/markets/stark-industries-raises-guidance-avionics",
                summary: "Avionics orders rose 22% and the CFO flagged higher R&D spend on software-defined \
                          aircraft.",
                category: "earnings",
                days_ago: 6,
                source: "https://news.example.com/feeds/stark.xml",
            },
            DemoIntel {
                headline: "Stark unveils software-defined cockpit for next-generation trainer jet",
                url: "https://news.example.com/defense/stark-software-defined-cockpit-trainer",
                summary: "The cockpit takes monthly software updates, which Stark says depend on automated \
                          certification evidence.",
                category: "product_launch",
                days_ago: 15,
                source: "https://news.example.com/feeds/stark.xml",
            },
        ],
    },
    // ------------------------------------------------------------------------------------------
    // Wayne Enterprises — small footprint, an opportunity in Applied Sciences, no champion.
    // ------------------------------------------------------------------------------------------
    DemoAccount {
        name: "Wayne Enterprises",
        external_id: "0015e00000WayneQAA",
        rank: 3,
        rank_notes: "Small current footprint; worth a bet only if we find a champion in Applied Sciences.",
        tier: "Enterprise",
        industry: "Conglomerate",
        annual_spend: 310_000,
        renewal_in_days: 120,
        slack_channel: None,
        team: &[("jordan", "owner")],
        plan: DemoPlan {
            name: "Applied Sciences CI consolidation",
            plan_type: "opportunity",
            status: "active",
            due_in_days: Some(90),
            sections: [
                // business_overview
                "Wayne Enterprises is a diversified holding company (shipping, biotech, real estate and the \
                 Wayne Applied Sciences R&D division). Our $310k footprint is the Wayne Shipping logistics \
                 software team; Applied Sciences (~420 engineers) is the opportunity.",
                // industry_trends
                "Conglomerates are centralising shared IT services to cut cost. Wayne's new Shared Services CIO \
                 is running a group-wide vendor rationalisation.",
                // summary_history
                "Wayne Shipping bought 180 Premium seats through a reseller in 2023 and has been a quiet, \
                 stable customer. Applied Sciences trialled us informally in 2025, but nobody owned the \
                 decision.",
                // entitled_solutions
                "180 Premium seats (SaaS) for Wayne Shipping with 20,000 compute minutes a month and Standard \
                 support, on reseller paper.",
                // digital_strategy
                "Shared Services is building an internal developer platform that every division must adopt by \
                 FY28; Applied Sciences is the pilot tenant.",
                // strategic_partnerships
                "A national reseller holds the current contract. Applied Sciences has a research partnership \
                 with a large GPU cloud provider for model training.",
                // goals
                "Shared Services wants to cut developer tooling spend by 25% and give auditors a single view of \
                 code access across divisions.",
                // initiatives
                "The internal developer platform pilot in Applied Sciences, a group-wide vendor rationalisation, \
                 and SOC 2 Type II for the Wayne Shipping customer portal.",
                // goals_6m
                "Win a champion in Applied Sciences, run a 30-day evaluation with 2 ML platform teams, and \
                 qualify a 400-seat opportunity (~$480k).",
                // goals_12m
                "Close 400 Ultimate seats for Applied Sciences, move Wayne Shipping's contract direct, and \
                 become the CI standard for the internal developer platform.",
                // goals_18m
                "A group-wide enterprise agreement covering 1,000+ seats across three divisions.",
                // our_initiatives
                "Reach the Shared Services CIO through Wayne Shipping, an ML pipeline demo (GPU runners, model \
                 registry) for Applied Sciences, and joint account mapping with the reseller.",
                // threats_risks
                "No champion: nobody in Applied Sciences owns the tooling decision\n\
                 Shared Services may standardise on the rival CI vendor the biotech division already uses\n\
                 The reseller controls the renewal and may resist moving the contract direct",
                // action_plan
                "Get to the Shared Services CIO through Leon Hart, run the ML demo for Applied Sciences leads, \
                 and decide by day 90 whether this becomes a qualified opportunity.",
            ],
        },
        actions: &[
            DemoAction {
                title: "Ask Leon Hart for an introduction to Catherine Doyle in Shared Services",
                owner: "jordan",
                due_in_days: Some(-7),
                done: false,
            },
            DemoAction {
                title: "Run the ML pipeline demo for the Applied Sciences platform leads",
                owner: "jordan",
                due_in_days: Some(6),
                done: false,
            },
            DemoAction {
                title: "Agree account mapping and renewal roles with the reseller",
                owner: "jordan",
                due_in_days: None,
                done: false,
            },
            DemoAction {
                title: "Confirm Wayne Shipping's seat count before the renewal quote",
                owner: "jordan",
                due_in_days: Some(40),
                done: false,
            },
            DemoAction {
                title: "Send GPU runner pricing to Simone Achebe",
                owner: "jordan",
                due_in_days: Some(-4),
                done: true,
            },
        ],
        contacts: &[
            DemoContact {
                name: "Catherine Doyle",
                title: "Chief Information Officer, Shared Services",
                email: "catherine.doyle@wayne.example",
                reports_to: None,
                influence: "high",
                buying_role: "economic_buyer",
                sentiment: "neutral",
                strength: 1,
                relationship_owner: Some("jordan"),
                tracked: false,
                location: "Jersey City, NJ",
            },
            DemoContact {
                name: "Martin Osei",
                title: "VP Research Computing, Applied Sciences",
                email: "martin.osei@wayne.example",
                reports_to: Some("Catherine Doyle"),
                influence: "high",
                buying_role: "technical_buyer",
                sentiment: "neutral",
                strength: 1,
                relationship_owner: Some("jordan"),
                tracked: false,
                location: "Cambridge, MA",
            },
            DemoContact {
                name: "Leon Hart",
                title: "Director of Engineering, Wayne Shipping",
                email: "leon.hart@wayne.example",
                reports_to: Some("Catherine Doyle"),
                influence: "medium",
                buying_role: "influencer",
                sentiment: "promoter",
                strength: 4,
                relationship_owner: Some("jordan"),
                tracked: false,
                location: "Baltimore, MD",
            },
            DemoContact {
                name: "Simone Achebe",
                title: "ML Platform Lead, Applied Sciences",
                email: "simone.achebe@wayne.example",
                reports_to: Some("Martin Osei"),
                influence: "medium",
                buying_role: "user",
                sentiment: "neutral",
                strength: 2,
                relationship_owner: Some("jordan"),
                tracked: false,
                location: "Cambridge, MA",
            },
            DemoContact {
                name: "Frank Moretti",
                title: "Platform Manager, Wayne Biotech",
                email: "frank.moretti@wayne.example",
                reports_to: Some("Catherine Doyle"),
                influence: "medium",
                buying_role: "blocker",
                sentiment: "detractor",
                strength: 1,
                relationship_owner: Some("jordan"),
                tracked: false,
                location: "Raleigh, NC",
            },
        ],
        whitespace: &[
            DemoWhitespace {
                stage: "verify",
                vendor: "Rival CI vendor (biotech division)",
                likes: "Validated for GxP pipelines",
                dislikes: "Per-minute costs spiking",
                annual_spend: Some(150_000),
                contract_end_in_days: Some(200),
                appetite: "low",
            },
            DemoWhitespace {
                stage: "create",
                vendor: "Self-hosted Git server with vendor support (Applied Sciences)",
                likes: "Simple and cheap",
                dislikes: "No SSO or audit logs",
                annual_spend: Some(30_000),
                contract_end_in_days: Some(90),
                appetite: "high",
            },
            DemoWhitespace {
                stage: "package",
                vendor: "In-house model registry on object storage",
                likes: "Cheap to run",
                dislikes: "No per-model access control",
                annual_spend: None,
                contract_end_in_days: None,
                appetite: "medium",
            },
            DemoWhitespace {
                stage: "plan",
                vendor: "Cloud issue tracker",
                likes: "Company-wide standard",
                dislikes: "Not linked to pipelines",
                annual_spend: Some(90_000),
                contract_end_in_days: Some(310),
                appetite: "none",
            },
        ],
        intel: &[
            DemoIntel {
                headline: "Wayne Enterprises names first Shared Services CIO in IT overhaul",
                url: "https://news.example.com/business/wayne-enterprises-shared-services-cio",
                summary: "Catherine Doyle will consolidate IT across shipping, biotech and Applied Sciences and \
                          review all major software contracts.",
                category: "leadership_change",
                days_ago: 19,
                source: "https://news.example.com/feeds/wayne.xml",
            },
            DemoIntel {
                headline: "Wayne Applied Sciences commits $1B to fusion-energy research",
                url: "https://news.example.com/science/wayne-applied-sciences-fusion-fund",
                summary: "The ten-year program will hire about 200 researchers and software engineers in \
                          Cambridge over the next two years.",
                category: "funding",
                days_ago: 8,
                source: "https://news.example.com/feeds/wayne.xml",
            },
        ],
    },
    // ------------------------------------------------------------------------------------------
    // Soylent Foods — small renewal in 20 days under a CFO spend review.
    // ------------------------------------------------------------------------------------------
    DemoAccount {
        name: "Soylent Foods",
        external_id: "0015e00000SoylnQAA",
        rank: 3,
        rank_notes: "Small, but renewal is in 20 days with a CFO spend review; needs a clean close.",
        tier: "Mid-market",
        industry: "Food & beverage",
        annual_spend: 150_000,
        renewal_in_days: 20,
        slack_channel: None,
        team: &[("lena", "owner"), ("priya", "csm")],
        plan: DemoPlan {
            name: "Renewal close FY27",
            plan_type: "command",
            status: "active",
            due_in_days: None,
            sections: [
                // business_overview
                "Soylent Foods makes plant-based protein foods and meal kits, with plants in Rotterdam, Poznań \
                 and Leeds and a direct-to-consumer subscription app. About 120 engineers, mostly on \
                 e-commerce and supply-chain planning software.",
                // industry_trends
                "Food makers are investing in traceability for EU deforestation rules and allergen recalls, and \
                 in direct-to-consumer channels, while squeezing IT budgets as input costs rise.",
                // summary_history
                "Bought 120 Premium seats in 2024 for the D2C app team; adoption is strong there (95% active), \
                 but the supply-chain team never onboarded. The new CFO wants every renewal over €100k \
                 re-justified.",
                // entitled_solutions
                "120 Premium seats (SaaS), 10,000 compute minutes a month, Standard support.",
                // digital_strategy
                "'Traceable Table' links ingredient batches to consumer orders for recall management, and the \
                 D2C app is being re-platformed to cut hosting costs 30%.",
                // strategic_partnerships
                "An e-commerce platform partner builds the storefront; a logistics SaaS provider handles \
                 cold-chain tracking.",
                // goals
                "Cut IT run cost 15% in FY27, launch Traceable Table before the deforestation-rule deadline, \
                 and keep weekly D2C app releases.",
                // initiatives
                "Traceable Table, the D2C re-platforming, and a CFO-led software spend review.",
                // goals_6m
                "Close the renewal on time at 120 seats on a 2-year term and add the supply-chain team \
                 (25 seats) at renewal pricing.",
                // goals_12m
                "Supply-chain planning software on our CI with 100% of repositories scanned, and the separate \
                 container registry (~$28k a year) retired.",
                // goals_18m
                "180 seats across e-commerce, supply-chain and data teams, and Soylent as a reference for \
                 mid-market food manufacturers.",
                // our_initiatives
                "An ROI summary for the CFO review (38% faster D2C releases since adoption), a registry \
                 consolidation offer, and an onboarding sprint for the supply-chain team led by Priya.",
                // threats_risks
                "The CFO spend review could cut seats to the 90 active in the last 30 days\n\
                 Renewal is 20 days out and the order form is not with procurement yet\n\
                 A rival all-in-one suite is offered free for a year through their cloud provider",
                // action_plan
                "Deliver the ROI summary to the CFO this week, get a verbal commit from Femke de Jong, and send \
                 the 2-year order form by day 10 with supply-chain seats as an option.",
            ],
        },
        actions: &[
            DemoAction {
                title: "Send the ROI summary (38% faster D2C releases) to the CFO's office",
                owner: "lena",
                due_in_days: Some(-2),
                done: false,
            },
            DemoAction {
                title: "Get a verbal commit on the 2-year term from Femke de Jong",
                owner: "lena",
                due_in_days: Some(4),
                done: false,
            },
            DemoAction {
                title: "Send the renewal order form to Marieke Smit in procurement",
                owner: "lena",
                due_in_days: Some(10),
                done: false,
            },
            DemoAction {
                title: "Plan the supply-chain team onboarding sprint with Tomasz Nowak",
                owner: "priya",
                due_in_days: Some(15),
                done: false,
            },
            DemoAction {
                title: "Pull 30/60/90-day active-seat usage for the spend review",
                owner: "priya",
                due_in_days: Some(-6),
                done: true,
            },
        ],
        contacts: &[
            DemoContact {
                name: "Willem Jansen",
                title: "Chief Information Officer",
                email: "willem.jansen@soylentfoods.example",
                reports_to: None,
                influence: "high",
                buying_role: "economic_buyer",
                sentiment: "neutral",
                strength: 2,
                relationship_owner: Some("lena"),
                tracked: false,
                location: "Rotterdam, Netherlands",
            },
            DemoContact {
                name: "Femke de Jong",
                title: "Head of Digital",
                email: "femke.dejong@soylentfoods.example",
                reports_to: Some("Willem Jansen"),
                influence: "high",
                buying_role: "champion",
                sentiment: "promoter",
                strength: 4,
                relationship_owner: Some("lena"),
                tracked: false,
                location: "Rotterdam, Netherlands",
            },
            DemoContact {
                name: "Marieke Smit",
                title: "IT Procurement Manager",
                email: "marieke.smit@soylentfoods.example",
                reports_to: Some("Willem Jansen"),
                influence: "medium",
                buying_role: "blocker",
                sentiment: "detractor",
                strength: 1,
                relationship_owner: Some("lena"),
                tracked: false,
                location: "Rotterdam, Netherlands",
            },
            DemoContact {
                name: "Tomasz Nowak",
                title: "Supply Chain Systems Lead",
                email: "tomasz.nowak@soylentfoods.example",
                reports_to: Some("Willem Jansen"),
                influence: "medium",
                buying_role: "influencer",
                sentiment: "neutral",
                strength: 2,
                relationship_owner: Some("priya"),
                tracked: false,
                location: "Poznań, Poland",
            },
            DemoContact {
                name: "Oliver Grant",
                title: "Lead Engineer, D2C App",
                email: "oliver.grant@soylentfoods.example",
                reports_to: Some("Femke de Jong"),
                influence: "low",
                buying_role: "user",
                sentiment: "promoter",
                strength: 5,
                relationship_owner: Some("priya"),
                tracked: false,
                location: "Leeds, UK",
            },
        ],
        whitespace: &[
            DemoWhitespace {
                stage: "package",
                vendor: "Standalone cloud container registry",
                likes: "Simple to run",
                dislikes: "Separate bill and logins",
                annual_spend: Some(28_000),
                contract_end_in_days: Some(35),
                appetite: "high",
            },
            DemoWhitespace {
                stage: "verify",
                vendor: "Cloud provider's bundled CI (supply-chain team)",
                likes: "Paid from cloud credits",
                dislikes: "Pipelines differ from the D2C team's",
                annual_spend: Some(20_000),
                contract_end_in_days: Some(25),
                appetite: "medium",
            },
            DemoWhitespace {
                stage: "monitor",
                vendor: "Hosted error tracking service",
                likes: "Good mobile crash reports",
                dislikes: "Not linked to deployments",
                annual_spend: Some(24_000),
                contract_end_in_days: Some(150),
                appetite: "low",
            },
            DemoWhitespace {
                stage: "plan",
                vendor: "Kanban board tool",
                likes: "Non-engineers use it too",
                dislikes: "No roadmap view",
                annual_spend: Some(36_000),
                contract_end_in_days: Some(230),
                appetite: "none",
            },
        ],
        intel: &[
            DemoIntel {
                headline: "Soylent Foods recalls two meal-kit lines over undeclared allergen",
                url: "https://news.example.com/food/soylent-foods-meal-kit-allergen-recall",
                summary: "The recall was traced to one supplier batch in Poland and puts pressure on Soylent to \
                          bring its batch-traceability system live sooner.",
                category: "legal_regulatory",
                days_ago: 10,
                source: "https://news.example.com/feeds/soylent.xml",
            },
            DemoIntel {
                headline: "Soylent Foods appoints former Hooli finance chief as CFO",
                url: "https://news.example.com/food/soylent-foods-new-cfo",
                summary: "The new CFO has announced a review of all software and services contracts as part of a \
                          €20M cost programme.",
                category: "leadership_change",
                days_ago: 17,
                source: "https://news.example.com/feeds/soylent.xml",
            },
        ],
    },
];

pub static SPONSOR_CHANGES: &[DemoSponsorChange] = &[
    DemoSponsorChange {
        account: "Acme Corporation",
        contact: "Hannah Okafor",
        attribute: "title",
        old_value: "VP Engineering",
        new_value: "Chief Technology Officer",
        days_ago: 3,
    },
    DemoSponsorChange {
        account: "Globex Industries",
        contact: "Victor Almeida",
        attribute: "company",
        old_value: "Globex Industries",
        new_value: "Cyberdyne Systems",
        days_ago: 5,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const ROLES: &[&str] = &["owner", "sa", "csm", "tam", "renewals", "sdr", "partner", "leader"];
    const PLAN_TYPES: &[&str] = &["land", "expand", "opportunity", "command", "success"];
    const PLAN_STATUSES: &[&str] = &["draft", "active", "closed"];
    const INFLUENCE: &[&str] = &["high", "medium", "low"];
    const BUYING_ROLES: &[&str] =
        &["champion", "economic_buyer", "technical_buyer", "influencer", "user", "blocker"];
    const SENTIMENTS: &[&str] = &["promoter", "neutral", "detractor"];
    const STAGES: &[&str] =
        &["plan", "create", "verify", "package", "secure", "release", "configure", "monitor", "govern"];
    const APPETITES: &[&str] = &["none", "low", "medium", "high"];
    const CATEGORIES: &[&str] = &[
        "funding",
        "acquisition",
        "leadership_change",
        "layoffs",
        "earnings",
        "product_launch",
        "partnership",
        "legal_regulatory",
        "security_incident",
        "other",
    ];
    const ATTRIBUTES: &[&str] = &["title", "company", "location"];

    fn person_exists(key: &str) -> bool {
        PEOPLE.iter().any(|p| p.key == key)
    }

    fn on_team(account: &DemoAccount, key: &str) -> bool {
        account.team.iter().any(|(k, _)| *k == key)
    }

    fn account(name: &str) -> &'static DemoAccount {
        ACCOUNTS.iter().find(|a| a.name == name).unwrap_or_else(|| panic!("no account {name}"))
    }

    #[test]
    fn people_are_consistent() {
        assert_eq!(PEOPLE.len(), 8);
        let mut keys = HashSet::new();
        let mut slack = HashSet::new();
        for (i, p) in PEOPLE.iter().enumerate() {
            assert!(keys.insert(p.key), "duplicate person key {}", p.key);
            assert!(slack.insert(p.slack_id), "duplicate slack id {}", p.slack_id);
            assert_eq!(p.slack_id, format!("U0DEMO{:03}", i + 1));
            assert!(p.email.ends_with("@demo.planbot.dev"), "{}", p.email);
            assert_eq!(p.email, p.email.to_lowercase());
            assert!(p.tz.contains('/'), "{}", p.tz);
            if let Some(m) = p.manager {
                assert!(person_exists(m), "{} has unknown manager {m}", p.key);
                assert_ne!(m, p.key);
            }
        }
        assert_eq!(PEOPLE.iter().filter(|p| p.admin).map(|p| p.key).collect::<Vec<_>>(), ["chris"]);
    }

    #[test]
    fn emails_and_ids_are_unique() {
        let mut emails = HashSet::new();
        for p in PEOPLE {
            assert!(emails.insert(p.email), "duplicate email {}", p.email);
        }
        let mut names = HashSet::new();
        let mut ext = HashSet::new();
        let mut channels = HashSet::new();
        let mut urls = HashSet::new();
        for a in ACCOUNTS {
            assert!(names.insert(a.name), "duplicate account {}", a.name);
            assert!(ext.insert(a.external_id), "duplicate external id {}", a.external_id);
            assert_eq!(a.external_id.len(), 18, "{}", a.external_id);
            if let Some(c) = a.slack_channel {
                assert!(channels.insert(c), "duplicate channel {c}");
                assert!(c.starts_with("C0DEMO"));
            }
            for c in a.contacts {
                assert!(emails.insert(c.email), "duplicate email {}", c.email);
                assert_eq!(c.email, c.email.to_lowercase());
            }
            for i in a.intel {
                assert!(urls.insert(i.url), "duplicate url {}", i.url);
                assert!(i.url.starts_with("https://news.example.com/"));
                assert!(i.source.starts_with("https://news.example.com/feeds/"));
            }
        }
    }

    #[test]
    fn teams_and_owners() {
        for a in ACCOUNTS {
            let owners = a.team.iter().filter(|(_, r)| *r == "owner").count();
            assert_eq!(owners, 1, "{} has {owners} owners", a.name);
            let mut members = HashSet::new();
            for (k, r) in a.team {
                assert!(person_exists(k), "{}: unknown person {k}", a.name);
                assert!(ROLES.contains(r), "{}: bad role {r}", a.name);
                assert!(members.insert(*k), "{}: {k} listed twice", a.name);
            }
            for act in a.actions {
                assert!(on_team(a, act.owner), "{}: action owner {} not on team", a.name, act.owner);
                assert!(act.title.len() <= 120, "title too long: {}", act.title);
            }
            for c in a.contacts {
                if let Some(o) = c.relationship_owner {
                    assert!(on_team(a, o), "{}: relationship owner {o} not on team", a.name);
                }
            }
        }
        let dana: Vec<_> = ACCOUNTS.iter().filter(|a| on_team(a, "dana")).map(|a| a.name).collect();
        assert_eq!(dana, ["Acme Corporation"]);
        assert!(account("Acme Corporation").team.contains(&("dana", "owner")));
    }

    #[test]
    fn plans() {
        for a in ACCOUNTS {
            let p = &a.plan;
            assert!(PLAN_TYPES.contains(&p.plan_type), "{}: {}", a.name, p.plan_type);
            assert!(PLAN_STATUSES.contains(&p.status), "{}: {}", a.name, p.status);
            if p.status == "active" {
                for (i, s) in p.sections.iter().enumerate() {
                    assert!(!s.trim().is_empty(), "{}: section {i} empty", a.name);
                }
                let risks = p.sections[12].lines().count();
                assert!((2..=4).contains(&risks), "{}: {risks} risk lines", a.name);
                assert!((3..=7).contains(&a.actions.len()) || a.name == "Acme Corporation", "{}", a.name);
            } else {
                assert!(a.actions.is_empty(), "{}: actions on a non-active plan", a.name);
            }
        }
        let initech = account("Initech");
        assert_eq!(initech.plan.status, "draft");
        assert_eq!(initech.plan.plan_type, "success");
        let written = initech.plan.sections.iter().filter(|s| !s.is_empty()).count();
        assert_eq!(written, 5);
    }

    #[test]
    fn actions() {
        let total: usize = ACCOUNTS.iter().map(|a| a.actions.len()).sum();
        assert!(total >= 36, "only {total} actions");
        let acme = account("Acme Corporation");
        assert_eq!(acme.actions.len(), 10);
        let open = || acme.actions.iter().filter(|a| !a.done);
        let overdue = open().filter(|a| matches!(a.due_in_days, Some(d) if (-12..=-1).contains(&d))).count();
        let this_week = open().filter(|a| matches!(a.due_in_days, Some(d) if (0..=7).contains(&d))).count();
        let later = open().filter(|a| matches!(a.due_in_days, Some(d) if d > 7)).count();
        let done = acme.actions.iter().filter(|a| a.done).count();
        assert_eq!((overdue, this_week, later, done), (4, 2, 2, 2));
        let no_due = ACCOUNTS.iter().flat_map(|a| a.actions).filter(|a| a.due_in_days.is_none()).count();
        assert!(no_due >= 3);
    }

    #[test]
    fn contacts() {
        let mut negative = 0;
        for a in ACCOUNTS {
            assert!((4..=7).contains(&a.contacts.len()), "{}", a.name);
            let mut names = HashSet::new();
            for c in a.contacts {
                assert!(names.insert(c.name), "{}: duplicate contact {}", a.name, c.name);
                assert!(INFLUENCE.contains(&c.influence), "{}", c.influence);
                assert!(BUYING_ROLES.contains(&c.buying_role), "{}", c.buying_role);
                assert!(SENTIMENTS.contains(&c.sentiment), "{}", c.sentiment);
                assert!((1..=5).contains(&c.strength));
                if c.sentiment == "detractor" || c.buying_role == "blocker" {
                    negative += 1;
                }
            }
            // reports_to resolves within the account and forms a tree under one executive
            let roots = a.contacts.iter().filter(|c| c.reports_to.is_none()).count();
            assert_eq!(roots, 1, "{}: {roots} roots", a.name);
            for c in a.contacts {
                let mut seen = HashSet::new();
                let mut cur = c;
                while let Some(boss) = cur.reports_to {
                    assert!(seen.insert(cur.name), "{}: reporting cycle at {}", a.name, c.name);
                    cur = a
                        .contacts
                        .iter()
                        .find(|x| x.name == boss)
                        .unwrap_or_else(|| panic!("{}: unknown manager {boss}", a.name));
                }
            }
            let champions = a.contacts.iter().filter(|c| c.buying_role == "champion").count();
            if a.name == "Wayne Enterprises" {
                assert_eq!(champions, 0);
            } else {
                assert!(champions >= 1, "{}: no champion", a.name);
            }
            assert!(a.contacts.iter().any(|c| c.buying_role == "economic_buyer"), "{}", a.name);
            if a.rank == 1 {
                assert!(a.contacts.iter().filter(|c| c.tracked).count() >= 2, "{}", a.name);
            }
        }
        assert!(negative >= 3);
        let high_promoters = |name| {
            account(name)
                .contacts
                .iter()
                .filter(|c| c.influence == "high" && c.sentiment == "promoter")
                .count()
        };
        assert_eq!(high_promoters("Acme Corporation"), 1);
        assert!(high_promoters("Stark Industries") >= 3);
    }

    #[test]
    fn whitespace_and_intel() {
        let mut soon = 0;
        for a in ACCOUNTS {
            assert!((1..=3).contains(&a.rank));
            assert!((3..=5).contains(&a.whitespace.len()), "{}", a.name);
            let stages: HashSet<_> = a.whitespace.iter().map(|w| w.stage).collect();
            assert_eq!(stages.len(), a.whitespace.len(), "{}: repeated stage", a.name);
            for w in a.whitespace {
                assert!(STAGES.contains(&w.stage), "{}", w.stage);
                assert!(APPETITES.contains(&w.appetite), "{}", w.appetite);
                assert!(!w.likes.is_empty() && !w.dislikes.is_empty());
                if let Some(s) = w.annual_spend {
                    assert!((20_000..=400_000).contains(&s), "{}: {s}", w.vendor);
                }
                if let Some(d) = w.contract_end_in_days {
                    assert!((20..=400).contains(&d), "{}: {d}", w.vendor);
                    if d <= 180 {
                        soon += 1;
                    }
                }
            }
            assert!((1..=3).contains(&a.intel.len()), "{}", a.name);
            for i in a.intel {
                assert!(CATEGORIES.contains(&i.category), "{}", i.category);
                assert!((0..=20).contains(&i.days_ago));
            }
        }
        assert!(soon >= 5);
        let intel: usize = ACCOUNTS.iter().map(|a| a.intel.len()).sum();
        assert!(intel >= 10);
    }

    #[test]
    fn sponsor_changes() {
        assert_eq!(SPONSOR_CHANGES.len(), 2);
        for ch in SPONSOR_CHANGES {
            assert!(ATTRIBUTES.contains(&ch.attribute));
            let a = account(ch.account);
            let c = a
                .contacts
                .iter()
                .find(|c| c.name == ch.contact)
                .unwrap_or_else(|| panic!("no contact {} at {}", ch.contact, ch.account));
            assert!(c.tracked, "{} is not tracked", c.name);
            match ch.attribute {
                "title" => assert_eq!(c.title, ch.old_value),
                "company" => assert_eq!(a.name, ch.old_value),
                _ => assert_eq!(c.location, ch.old_value),
            }
            assert_ne!(ch.old_value, ch.new_value);
        }
        let acme = account("Acme Corporation");
        let champ = acme.contacts.iter().find(|c| c.buying_role == "champion").unwrap();
        assert_eq!(champ.name, SPONSOR_CHANGES[0].contact);
        let globex = account("Globex Industries");
        let eb = globex.contacts.iter().find(|c| c.buying_role == "economic_buyer").unwrap();
        assert_eq!(eb.name, SPONSOR_CHANGES[1].contact);
    }
}
