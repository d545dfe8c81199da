//! Licence identification, first cut. A release states its licence three
//! ways: a Hub id in the card (`license: llama3.1`), a LICENSE file, and a
//! licence section in the card body. This module turns all three into SPDX
//! expressions (with `LicenseRef-<Family>` for the model licences SPDX does
//! not list) and answers the two questions the report asks: is it open (the
//! Model Openness Tool's rule: OSI-approved, FSF-libre, an open-data licence
//! or OpenMDW-1.0), and do two statements name the same terms. Texts are
//! matched offline by normalised key phrases and clause sets rather than by
//! a full-text corpus, so identification is fast, small and explainable; its
//! confidence says how much of a licence's distinctive wording was seen.

use spdx::expression::{ExprNode, Operator};
use spdx::{Expression, LicenseItem, LicenseReq, ParseMode};

use crate::formats::truncate_at_char;

mod fulltext;
mod names;
pub(crate) mod open;
mod terms;

pub use names::{FileRole, named_component, role_by_name};
pub use terms::{
    FileLicences, How, Restriction, UNIDENTIFIED_CONFIDENCE, card_licence_text, header_licence,
    identify_file, identify_notice, identify_policy, restrictions, scope_by_licence, title_of,
};

/// Only the first 256 KiB of a text are examined: licence texts are far
/// shorter, and this bounds the work on a hostile or mislabelled file.
const MAX_TEXT_BYTES: usize = 256 << 10;
/// Longer "expressions" are prose, not SPDX.
const MAX_EXPR_BYTES: usize = 1024;

/// A licence recognised in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Identified {
    /// An SPDX id or `LicenseRef-<Family>`.
    pub spdx: String,
    /// 0..=1: 0.97 when every distinctive clause of the licence is present,
    /// about 0.9 for a standard short notice (Apache header, GPL notice),
    /// 0.55–0.9 for a title or a partial set of clauses.
    pub confidence: f32,
    /// Human name of the licence, as [`display_name`] gives it.
    pub family: Option<String>,
}

/// A licence's recognisable wording, written in plain text and normalised
/// like the input (see [`normalize`]) before matching.
struct Rule {
    spdx: &'static str,
    /// The id when a notice grants "any later version" (GNU notices). Full
    /// licence texts have none: the text itself grants no later versions,
    /// and every copy of it includes the sample notice that would.
    or_later: Option<&'static str>,
    /// Title or name phrases; any one counts as one hit.
    titles: &'static [&'static str],
    /// Whether no candidate is made without a title hit (families whose
    /// clauses are shared with others, like the Creative Commons 4.0 set).
    title_required: bool,
    /// Distinctive clauses; each counts as one hit.
    clauses: &'static [&'static str],
    /// Hits (title + clauses) needed to be a candidate at all.
    min: usize,
    /// Any of these present rules the licence out (BSD-2 vs BSD-3).
    exclude: &'static [&'static str],
    /// Multiplier on the confidence: below 1 for short notices, which say
    /// the licence applies but are not its text.
    scale: f32,
}

const fn rule(spdx: &'static str) -> Rule {
    Rule {
        spdx,
        or_later: None,
        titles: &[],
        title_required: false,
        clauses: &[],
        min: 1,
        exclude: &[],
        scale: 1.0,
    }
}

const LATER: &str = "at your option any later version";

/// Ordered most specific first: on equal confidence and position the earlier
/// rule wins.
const RULES: &[Rule] = &[
    // GNU family: each text names its own title and "this License refers to".
    Rule {
        titles: &["gnu affero general public license version 3 19 november 2007"],
        clauses: &[
            "this license refers to version 3 of the gnu affero general public license",
            "interacting with it remotely through a computer network",
            "the gnu affero general public license is a free copyleft license for software",
        ],
        min: 2,
        ..rule("AGPL-3.0-only")
    },
    Rule {
        titles: &["gnu lesser general public license version 3 29 june 2007"],
        clauses: &[
            "this license refers to version 3 of the gnu lesser general public license",
            "the gnu gpl refers to version 3 of the gnu general public license",
            "this version of the gnu lesser general public license incorporates the terms and conditions of version 3 of the gnu general public license",
        ],
        min: 2,
        ..rule("LGPL-3.0-only")
    },
    Rule {
        titles: &["gnu general public license version 3 29 june 2007"],
        clauses: &[
            "the gnu general public license is a free copyleft license for software and other kinds of works",
            "the licenses for most software and other practical works are designed to take away your freedom to share and change the works",
            "this license refers to version 3 of the gnu general public license",
        ],
        min: 2,
        ..rule("GPL-3.0-only")
    },
    Rule {
        titles: &["gnu lesser general public license version 2 1 february 1999"],
        clauses: &[
            "this is the first released version of the lesser gpl",
            "this license the lesser general public license applies to some specially designated software packages",
            "a library means a collection of software functions and or data prepared so as to be conveniently linked with application programs",
        ],
        min: 2,
        ..rule("LGPL-2.1-only")
    },
    Rule {
        titles: &["gnu general public license version 2 june 1991"],
        clauses: &[
            "the licenses for most software are designed to take away your freedom to share and change it",
            "this general public license applies to most of the free software foundation s software",
            "the program below refers to any such program or work",
        ],
        min: 2,
        ..rule("GPL-2.0-only")
    },
    // GNU notices ("...either version 3 of the License, or (at your option)
    // any later version").
    Rule {
        or_later: Some("AGPL-3.0-or-later"),
        clauses: &[
            "under the terms of the gnu affero general public license as published by the free software foundation either version 3",
        ],
        scale: 0.93,
        ..rule("AGPL-3.0-only")
    },
    Rule {
        or_later: Some("LGPL-3.0-or-later"),
        clauses: &[
            "under the terms of the gnu lesser general public license as published by the free software foundation either version 3",
        ],
        scale: 0.93,
        ..rule("LGPL-3.0-only")
    },
    Rule {
        or_later: Some("LGPL-2.1-or-later"),
        clauses: &[
            "under the terms of the gnu lesser general public license as published by the free software foundation either version 2 1",
        ],
        scale: 0.93,
        ..rule("LGPL-2.1-only")
    },
    Rule {
        or_later: Some("GPL-3.0-or-later"),
        clauses: &[
            "under the terms of the gnu general public license as published by the free software foundation either version 3",
        ],
        scale: 0.93,
        ..rule("GPL-3.0-only")
    },
    Rule {
        or_later: Some("GPL-2.0-or-later"),
        clauses: &[
            "under the terms of the gnu general public license as published by the free software foundation either version 2",
        ],
        scale: 0.93,
        ..rule("GPL-2.0-only")
    },
    Rule {
        titles: &["mozilla public license version 2 0"],
        clauses: &[
            "contributor means each individual or legal entity that creates contributes to the creation of or owns covered software",
            "incompatible with secondary licenses means",
            "if a copy of the mpl was not distributed with this file you can obtain one at",
        ],
        min: 2,
        ..rule("MPL-2.0")
    },
    Rule {
        clauses: &[
            "this source code form is subject to the terms of the mozilla public license v 2 0",
        ],
        scale: 0.93,
        ..rule("MPL-2.0")
    },
    Rule {
        titles: &[
            "apache license version 2 0",
            "apache license v2 0",
            "apache license 2 0",
            "apache 2 0 license",
            "apache 2 0",
        ],
        clauses: &[
            "apache license version 2 0 january 2004",
            "terms and conditions for use reproduction and distribution",
            "each contributor hereby grants to you a perpetual worldwide non exclusive no charge royalty free irrevocable copyright license",
            "grant of patent license",
            "submission of contributions unless you explicitly state otherwise",
        ],
        ..rule("Apache-2.0")
    },
    Rule {
        clauses: &[
            "licensed under the apache license version 2 0 the license",
            "you may not use this file except in compliance with the license",
        ],
        min: 2,
        scale: 0.93,
        ..rule("Apache-2.0")
    },
    Rule {
        clauses: &[
            "redistribution and use in source and binary forms with or without modification are permitted provided that the following conditions are met",
            "redistributions of source code must retain the above copyright notice this list of conditions and the following disclaimer",
            "redistributions in binary form must reproduce the above copyright notice",
            "may be used to endorse or promote products derived from this software without specific prior written permission",
        ],
        min: 3,
        exclude: &["all advertising materials mentioning features or use of this software"],
        ..rule("BSD-3-Clause")
    },
    Rule {
        clauses: &[
            "redistribution and use in source and binary forms with or without modification are permitted provided that the following conditions are met",
            "redistributions of source code must retain the above copyright notice this list of conditions and the following disclaimer",
            "redistributions in binary form must reproduce the above copyright notice",
        ],
        min: 2,
        exclude: &[
            "endorse or promote products derived from this software",
            "all advertising materials mentioning features or use of this software",
        ],
        ..rule("BSD-2-Clause")
    },
    Rule {
        titles: &["mit license", "mit licence"],
        clauses: &[
            "permission is hereby granted free of charge to any person obtaining a copy of this software and associated documentation files",
            "the above copyright notice and this permission notice shall be included in all copies or substantial portions of the software",
            "the software is provided as is without warranty of any kind express or implied",
        ],
        ..rule("MIT")
    },
    Rule {
        titles: &["isc license"],
        clauses: &[
            "permission to use copy modify and or distribute this software for any purpose with or without fee is hereby granted provided that the above copyright notice and this permission notice appear in all copies",
            "the software is provided as is and the author disclaims all warranties with regard to this software",
        ],
        min: 2,
        ..rule("ISC")
    },
    Rule {
        clauses: &[
            "this is free and unencumbered software released into the public domain",
            "anyone is free to copy modify publish use compile sell or distribute this software either in source code form or as a compiled binary",
            "unlicense org",
        ],
        min: 2,
        ..rule("Unlicense")
    },
    Rule {
        titles: &["cc0 1 0 universal"],
        clauses: &[
            "statement of purpose",
            "the laws of most jurisdictions throughout the world automatically confer exclusive copyright and related rights",
            "affirmer hereby overtly fully permanently irrevocably and unconditionally waives abandons and surrenders",
        ],
        min: 2,
        ..rule("CC0-1.0")
    },
    // Creative Commons 4.0: the same body, told apart by the title only.
    Rule {
        titles: &[
            "attribution noncommercial sharealike 4 0 international",
            "attribution non commercial share alike 4 0 international",
            "cc by nc sa 4 0",
        ],
        ..cc4("CC-BY-NC-SA-4.0")
    },
    Rule {
        titles: &[
            "attribution noncommercial noderivatives 4 0 international",
            "attribution non commercial no derivatives 4 0 international",
            "cc by nc nd 4 0",
        ],
        ..cc4("CC-BY-NC-ND-4.0")
    },
    Rule {
        titles: &[
            "attribution noncommercial 4 0 international",
            "attribution non commercial 4 0 international",
            "cc by nc 4 0",
        ],
        ..cc4("CC-BY-NC-4.0")
    },
    Rule {
        titles: &[
            "attribution noderivatives 4 0 international",
            "attribution no derivatives 4 0 international",
            "cc by nd 4 0",
        ],
        ..cc4("CC-BY-ND-4.0")
    },
    Rule {
        titles: &[
            "attribution sharealike 4 0 international",
            "attribution share alike 4 0 international",
            "cc by sa 4 0",
        ],
        ..cc4("CC-BY-SA-4.0")
    },
    Rule {
        titles: &[
            "creative commons attribution 4 0 international",
            "cc by 4 0",
        ],
        ..cc4("CC-BY-4.0")
    },
    Rule {
        titles: &["community data license agreement permissive version 2 0"],
        title_required: true,
        clauses: &[
            "a data recipient may use modify and share the data made available by data provider s under this agreement",
            "a data recipient may share data with or without modifications so long as the data recipient makes available the text of this agreement with the shared data",
        ],
        ..rule("CDLA-Permissive-2.0")
    },
    Rule {
        titles: &["community data license agreement permissive version 1 0"],
        title_required: true,
        clauses: &["data recipient", "data provider"],
        ..rule("CDLA-Permissive-1.0")
    },
    Rule {
        titles: &["openmdw license agreement version 1 0", "openmdw 1 0"],
        title_required: true,
        clauses: &[
            "by exercising rights granted to you under this agreement you accept and agree to its terms",
            "model materials means the materials provided to you under this agreement",
        ],
        ..rule("OpenMDW-1.0")
    },
    // Responsible AI licences: a shared body of use restrictions.
    Rule {
        titles: &["creativeml open rail++ m"],
        ..rail("LicenseRef-CreativeML-OpenRAILpp-M")
    },
    Rule {
        titles: &["creativeml open rail m", "creativeml openrail m"],
        ..rail("LicenseRef-CreativeML-OpenRAIL-M")
    },
    Rule {
        titles: &["bigscience open rail m", "bigscience openrail m"],
        ..rail("LicenseRef-BigScience-OpenRAIL-M")
    },
    Rule {
        titles: &["bigscience rail license v1 0", "bigscience bloom rail"],
        ..rail("LicenseRef-BigScience-BLOOM-RAIL-1.0")
    },
    Rule {
        titles: &["bigcode open rail m", "bigcode openrail m"],
        ..rail("LicenseRef-BigCode-OpenRAIL-M")
    },
    Rule {
        titles: &["open rail m license", "openrail m license"],
        ..rail("LicenseRef-OpenRAIL-M")
    },
    // Model licences by title; the clauses are their distinctive terms.
    Rule {
        titles: &["llama 2 community license"],
        clauses: &[
            "llama 2 version release date july 18 2023",
            "700 million monthly active users",
            "meta s proprietary llama 2",
        ],
        ..model("LicenseRef-Llama-2")
    },
    Rule {
        titles: &["llama 3 community license"],
        clauses: &[
            "meta llama 3 version release date april 18 2024",
            "700 million monthly active users",
            "built with meta llama 3",
        ],
        ..model("LicenseRef-Llama-3")
    },
    Rule {
        titles: &["llama 3 1 community license"],
        clauses: &[
            "llama 3 1 version release date july 23 2024",
            "700 million monthly active users",
            "built with llama",
        ],
        ..model("LicenseRef-Llama-3.1")
    },
    Rule {
        titles: &["llama 3 2 community license"],
        clauses: &[
            "llama 3 2 version release date september 25 2024",
            "700 million monthly active users",
            "built with llama",
        ],
        ..model("LicenseRef-Llama-3.2")
    },
    Rule {
        titles: &["llama 3 3 community license"],
        clauses: &[
            "llama 3 3 version release date december 6 2024",
            "700 million monthly active users",
            "built with llama",
        ],
        ..model("LicenseRef-Llama-3.3")
    },
    Rule {
        titles: &["llama 4 community license"],
        clauses: &[
            "llama 4 version effective date april 5 2025",
            "700 million monthly active users",
            "built with llama",
        ],
        ..model("LicenseRef-Llama-4")
    },
    Rule {
        titles: &["gemma terms of use"],
        clauses: &[
            "model derivatives means all i modifications to gemma ii works based on gemma",
            "gemma prohibited use policy",
            "gemma services",
        ],
        ..model("LicenseRef-Gemma")
    },
    Rule {
        titles: &["qwen research license agreement"],
        clauses: &[
            "non commercial shall mean for research or evaluation purposes only",
            "alibaba cloud",
        ],
        ..model("LicenseRef-Qwen-Research")
    },
    Rule {
        titles: &["tongyi qianwen license agreement"],
        clauses: &["100 million monthly active users", "alibaba cloud"],
        ..model("LicenseRef-Tongyi-Qianwen")
    },
    Rule {
        titles: &["qwen license agreement"],
        clauses: &["100 million monthly active users", "alibaba cloud"],
        ..model("LicenseRef-Qwen")
    },
    Rule {
        titles: &["deepseek license agreement"],
        clauses: &[
            "version 1 0 23 october 2023",
            "section i preamble",
            "use restrictions",
        ],
        ..model("LicenseRef-DeepSeek")
    },
    Rule {
        titles: &["falcon 180b tii license"],
        clauses: &["technology innovation institute", "acceptable use policy"],
        ..model("LicenseRef-TII-Falcon-180B")
    },
    Rule {
        titles: &[
            "tii falcon llm license",
            "tii falcon license",
            "falcon llm tii license",
            "tii falcon mamba",
        ],
        clauses: &["technology innovation institute", "acceptable use policy"],
        ..model("LicenseRef-TII-Falcon")
    },
    Rule {
        titles: &["chatglm 6b license", "chatglm 6b model license"],
        ..model("LicenseRef-ChatGLM-6B")
    },
    Rule {
        titles: &["chatglm2 6b license", "chatglm2 6b model license"],
        ..model("LicenseRef-ChatGLM2-6B")
    },
    Rule {
        titles: &["chatglm3 6b license", "chatglm3 6b model license"],
        ..model("LicenseRef-ChatGLM3-6B")
    },
    Rule {
        titles: &["glm 4 license", "glm 4 model license", "the glm 4 license"],
        ..model("LicenseRef-GLM-4")
    },
    Rule {
        titles: &[
            "baichuan 2 model community license agreement",
            "community license for baichuan 2 model",
            "baichuan model community license agreement",
            "community license for baichuan model",
        ],
        ..model("LicenseRef-Baichuan-Community")
    },
    Rule {
        titles: &[
            "yi series models community license agreement",
            "yi series models license agreement",
        ],
        ..model("LicenseRef-Yi")
    },
    Rule {
        titles: &["mistral ai research license"],
        ..model("LicenseRef-Mistral-Research")
    },
    Rule {
        titles: &["mistral ai non production license"],
        ..model("LicenseRef-Mistral-Non-Production")
    },
    Rule {
        titles: &["stability ai non commercial research community license"],
        ..model("LicenseRef-Stability-AI-Non-Commercial")
    },
    Rule {
        titles: &["stability ai community license"],
        ..model("LicenseRef-Stability-AI-Community")
    },
    Rule {
        titles: &["nvidia open model license"],
        ..model("LicenseRef-NVIDIA-Open-Model")
    },
    Rule {
        titles: &["ai2 impact license low risk artifacts"],
        ..model("LicenseRef-AI2-ImpACT-LR")
    },
    Rule {
        titles: &["ai2 impact license medium risk artifacts"],
        ..model("LicenseRef-AI2-ImpACT-MR")
    },
    Rule {
        titles: &["ai2 impact license high risk artifacts"],
        ..model("LicenseRef-AI2-ImpACT-HR")
    },
    // Database licences (Open Data Commons), which cover data.
    Rule {
        titles: &["open data commons attribution license"],
        clauses: &[
            "this license only governs the rights over the database and not the contents of the database individually",
            "attribution requirements set out in section 4",
        ],
        ..model("ODC-By-1.0")
    },
    Rule {
        titles: &["open data commons open database license"],
        clauses: &[
            "this license only governs the rights over the database and not the contents of the database individually",
            "share alike",
        ],
        ..model("ODbL-1.0")
    },
    Rule {
        titles: &["open data commons public domain dedication and license"],
        clauses: &[
            "this license only governs the rights over the database and not the contents of the database individually",
        ],
        ..model("PDDL-1.0")
    },
    Rule {
        titles: &["apple machine learning research model"],
        clauses: &[
            "for the sole purpose of scientific research of artificial intelligence and machine learning technology",
            "research purposes",
        ],
        ..model("LicenseRef-Apple-AMLR")
    },
    // The Apple sample code licence is the SPDX "Apple MIT License" (AML).
    Rule {
        titles: &["apple sample code license"],
        clauses: &[
            "this apple software is supplied to you by apple inc apple in consideration of your agreement to the following terms",
            "your use installation modification or redistribution of this apple software constitutes acceptance of these terms",
            "neither the name trademarks service marks or logos of apple inc may be used to endorse or promote products derived from the apple software",
        ],
        min: 2,
        ..rule("AML")
    },
];

const fn cc4(spdx: &'static str) -> Rule {
    Rule {
        title_required: true,
        clauses: &[
            "by exercising the licensed rights defined below you accept and agree to be bound by the terms and conditions of this creative commons",
            "licensed rights means the rights granted to you subject to the terms and conditions of this public license",
            "sui generis database rights means rights other than copyright resulting from directive 96 9 ec",
        ],
        ..rule(spdx)
    }
}

const fn rail(spdx: &'static str) -> Rule {
    Rule {
        title_required: true,
        clauses: &[
            "use restrictions",
            "you agree not to use the model or derivatives of the model",
            "responsible ai",
        ],
        ..rule(spdx)
    }
}

const fn model(spdx: &'static str) -> Rule {
    Rule {
        title_required: true,
        ..rule(spdx)
    }
}

/// Identifies a licence text (a LICENSE file or a card's licence section):
/// the text is normalised (case, whitespace, markdown and comment punctuation)
/// and matched against each licence's distinctive phrases and clauses. The
/// confidence is 0.95 and above when every distinctive clause is present,
/// lower for a notice or a title alone.
///
/// The best-scoring licence wins; on a tie, the one mentioned first. GNU
/// texts give the `-only` id unless the text grants "any later version".
/// Only the first 256 KiB are examined.
pub fn identify_text(text: &str) -> Option<Identified> {
    let by_phrases = identify_by_phrases(text);
    if by_phrases
        .as_ref()
        .is_some_and(|id| id.confidence >= PHRASES_TRUSTED)
    {
        return by_phrases;
    }
    // Texts the phrase rules do not know well: long ones are compared with
    // the texts of the licences that occur in model releases.
    match fulltext::identify(text) {
        Some(full)
            if by_phrases
                .as_ref()
                .is_none_or(|p| full.confidence > p.confidence) =>
        {
            Some(full)
        }
        _ => by_phrases,
    }
}

/// Identifies a card's licence section: prose that names a licence ("This
/// model is released under the Apache 2.0 license"), which the phrase rules
/// place. Only a long section they cannot place at all, a licence text
/// pasted into the card, goes to the whole-text matcher: the card
/// template's placeholder and one-paragraph statements never pay for it.
pub fn identify_section(text: &str) -> Option<Identified> {
    identify_by_phrases(text).or_else(|| {
        let norm = normalize(truncate_at_char(text, MAX_TEXT_BYTES));
        let words = norm.split(' ').take(SECTION_FULLTEXT_WORDS).count();
        let legal = LEGAL_WORDS.iter().filter(|w| contains(&norm, w)).count();
        (words >= SECTION_FULLTEXT_WORDS && legal >= 2)
            .then(|| fulltext::identify(text))
            .flatten()
    })
}

/// A card section this long may be a pasted licence text.
const SECTION_FULLTEXT_WORDS: usize = 150;

/// Words every licence text uses and model-card prose rarely does: a long
/// section without two of them is prose, not a pasted licence.
const LEGAL_WORDS: &[&str] = &[
    "warranty",
    "warranties",
    "liability",
    "liable",
    "copyright",
    "licensor",
    "licensee",
    "hereby",
    "permission",
    "conditions",
];

/// What a component is, which decides the licences appropriate for it (the
/// MOF's typing: code, data or document licences).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContentType {
    Code,
    Data,
    Document,
}

impl ContentType {
    /// The MOT's spelling (`content_type` in `mof.settings.yml`, the keys of
    /// `release.license`).
    pub fn as_str(self) -> &'static str {
        match self {
            ContentType::Code => "code",
            ContentType::Data => "data",
            ContentType::Document => "document",
        }
    }

    pub(crate) fn from_mot(s: &str) -> Option<Self> {
        match s {
            "code" => Some(ContentType::Code),
            "data" => Some(ContentType::Data),
            "document" => Some(ContentType::Document),
            _ => None,
        }
    }

    pub(crate) fn bit(self) -> u8 {
        match self {
            ContentType::Code => 1,
            ContentType::Data => 2,
            ContentType::Document => 4,
        }
    }
}

/// One of the three components of an open release (SPEC section 2): the
/// part a licence statement covers, and what a policy can require.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    Code,
    Weights,
    Data,
}

impl Part {
    pub const ALL: [Part; 3] = [Part::Code, Part::Weights, Part::Data];

    pub fn as_str(self) -> &'static str {
        match self {
            Part::Code => "code",
            Part::Weights => "weights",
            Part::Data => "data",
        }
    }

    pub fn from_name(name: &str) -> Option<Part> {
        Part::ALL.into_iter().find(|p| p.as_str() == name)
    }
}

impl std::fmt::Display for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Licences a card states per part ("the code is released under MIT, the
/// weights under CC-BY-NC-4.0"): each sentence or line that names one part
/// and mentions a licence is matched by phrases (the whole-text matcher is
/// for whole texts). The first statement per part wins; at most 2,000
/// sentences of the first 256 KiB are looked at.
pub fn per_part(text: &str) -> Vec<(Part, Identified)> {
    let text = truncate_at_char(text, MAX_TEXT_BYTES);
    let mut found: Vec<(Part, Identified)> = Vec::new();
    // Sentences end at ". " (not at every dot: "4.0", "3.1" are versions).
    // Chinese sentences end at full-width stops and commas.
    let sentences = text
        .split(['\n', ';', '。', '；', '，'])
        .flat_map(|line| line.split(". "))
        .take(2000);
    for sentence in sentences {
        let lower = sentence.to_ascii_lowercase();
        if !(lower.contains("licen") || lower.contains("cc-by") || lower.contains("cc by")) {
            continue;
        }
        let parts = [
            (
                Part::Weights,
                [
                    "weights",
                    "parameters",
                    "checkpoint",
                    "the model ",
                    "the models ",
                    "model weights",
                    "权重",
                    "参数",
                ]
                .as_slice(),
            ),
            (
                Part::Code,
                ["code", "software", "scripts", "代码"].as_slice(),
            ),
            (Part::Data, ["dataset", "data ", "数据"].as_slice()),
        ];
        let named: Vec<Part> = parts
            .iter()
            .filter(|(_, words)| words.iter().any(|w| lower.contains(w)))
            .map(|(p, _)| *p)
            .collect();
        // A sentence naming several parts ("code and weights under X")
        // gives each the same licence.
        if named.is_empty() {
            continue;
        }
        let Some(id) = identify_by_phrases(sentence).filter(|id| id.confidence >= 0.5) else {
            continue;
        };
        for part in named {
            if !found.iter().any(|(p, _)| *p == part) {
                found.push((part, id.clone()));
            }
        }
    }
    found.sort_by_key(|(p, _)| *p);
    found
}

/// Phrase matches at least this sure are not second-guessed.
const PHRASES_TRUSTED: f32 = 0.9;

fn identify_by_phrases(text: &str) -> Option<Identified> {
    let text = truncate_at_char(text, MAX_TEXT_BYTES);
    let norm = normalize(text);
    if norm.is_empty() {
        return None;
    }
    let mut best: Option<(f32, usize, &Rule)> = None;
    for rule in RULES {
        let Some((confidence, pos)) = score(rule, &norm) else {
            continue;
        };
        let better = match best {
            None => true,
            Some((c, p, _)) => confidence > c || (confidence == c && pos < p),
        };
        if better {
            best = Some((confidence, pos, rule));
        }
    }
    let (confidence, _, rule) = best?;
    let later = contains(&norm, LATER);
    let spdx = match rule.or_later {
        Some(id) if later => id,
        _ => rule.spdx,
    };
    Some(Identified {
        spdx: spdx.to_string(),
        confidence,
        family: Some(display_name(spdx)),
    })
}

/// (confidence, position of the first hit) when the rule applies.
fn score(rule: &Rule, norm: &str) -> Option<(f32, usize)> {
    if rule.exclude.iter().any(|p| contains(norm, p)) {
        return None;
    }
    let title_pos = rule.titles.iter().filter_map(|t| find(norm, t)).min();
    if rule.title_required && title_pos.is_none() {
        return None;
    }
    let clause_pos: Vec<usize> = rule.clauses.iter().filter_map(|c| find(norm, c)).collect();
    let found = clause_pos.len();
    let hits = found + usize::from(title_pos.is_some());
    if hits < rule.min.max(1) {
        return None;
    }
    let pos = clause_pos.iter().copied().chain(title_pos).min()?;
    let n = rule.clauses.len();
    let raw = if n > 0 && found == n {
        0.97
    } else {
        // A title alone or part of the clauses: between 0.5 and 0.95.
        let possible = n + usize::from(!rule.titles.is_empty());
        0.5 + 0.45 * hits as f32 / possible.max(1) as f32
    };
    Some((raw * rule.scale, pos))
}

fn find(norm: &str, phrase: &str) -> Option<usize> {
    let p = normalized_phrase(phrase);
    let p = p.as_ref();
    if p.is_empty() {
        return None;
    }
    // Match whole words only: "mit license" must not match "submit license".
    let mut from = 0;
    while let Some(rel) = memchr::memmem::find(&norm.as_bytes()[from..], p.as_bytes()) {
        let start = from + rel;
        let end = start + p.len();
        let left_ok = start == 0 || norm.as_bytes()[start - 1] == b' ';
        let right_ok = end == norm.len() || norm.as_bytes()[end] == b' ';
        if left_ok && right_ok {
            return Some(start);
        }
        from = start + 1;
        while !norm.is_char_boundary(from) {
            from += 1;
        }
    }
    None
}

/// A rule's phrase in normalised form: the rules' phrases are normalised
/// once per process (they are matched against every licence file, card
/// section and source header line), any other phrase on each call.
fn normalized_phrase(phrase: &str) -> std::borrow::Cow<'static, str> {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static RULE_PHRASES: OnceLock<HashMap<&'static str, String>> = OnceLock::new();
    let table = RULE_PHRASES.get_or_init(|| {
        RULES
            .iter()
            .flat_map(|r| r.titles.iter().chain(r.clauses).chain(r.exclude))
            .chain(std::iter::once(&LATER))
            .map(|p| (*p, normalize(p)))
            .collect()
    });
    match table.get(phrase) {
        Some(n) => std::borrow::Cow::Borrowed(n.as_str()),
        None => std::borrow::Cow::Owned(normalize(phrase)),
    }
}

fn contains(norm: &str, phrase: &str) -> bool {
    find(norm, phrase).is_some()
}

/// Lower-cases and keeps only letters, digits and `+` (for `RAIL++`, `2.0+`),
/// every other run of characters becoming one space: markdown, comment
/// leaders, quotes, punctuation and line breaks all vanish.
fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_TEXT_BYTES));
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_alphanumeric() || c == '+' {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

/// Hub ids that are not SPDX ids (or differ from them in more than case).
const HUB_IDS: &[(&str, &str)] = &[
    ("agpl-3.0", "AGPL-3.0-only"),
    ("apple-amlr", "LicenseRef-Apple-AMLR"),
    ("apple-ascl", "AML"),
    ("bigcode-openrail-m", "LicenseRef-BigCode-OpenRAIL-M"),
    (
        "bigscience-bloom-rail-1.0",
        "LicenseRef-BigScience-BLOOM-RAIL-1.0",
    ),
    ("bigscience-openrail-m", "LicenseRef-BigScience-OpenRAIL-M"),
    ("c-uda", "C-UDA-1.0"),
    ("creativeml-openrail-m", "LicenseRef-CreativeML-OpenRAIL-M"),
    ("deepfloyd-if-license", "LicenseRef-DeepFloyd-IF"),
    ("deepseek", "LicenseRef-DeepSeek"),
    (
        "fair-noncommercial-research-license",
        "LicenseRef-FAIR-Noncommercial-Research",
    ),
    ("falcon", "LicenseRef-TII-Falcon"),
    ("gemma", "LicenseRef-Gemma"),
    ("gfdl", "GFDL-1.3-only"),
    ("gpl-2.0", "GPL-2.0-only"),
    ("gpl-3.0", "GPL-3.0-only"),
    ("grok2-community", "LicenseRef-Grok-2-Community"),
    ("h-research", "LicenseRef-H-Research"),
    ("intel-research", "LicenseRef-Intel-Research"),
    ("lgpl-2.1", "LGPL-2.1-only"),
    ("lgpl-3.0", "LGPL-3.0-only"),
    ("lgpl-lr", "LicenseRef-LGPL-LR"),
    ("llama2", "LicenseRef-Llama-2"),
    ("llama3", "LicenseRef-Llama-3"),
    ("llama3.1", "LicenseRef-Llama-3.1"),
    ("llama3.2", "LicenseRef-Llama-3.2"),
    ("llama3.3", "LicenseRef-Llama-3.3"),
    ("llama4", "LicenseRef-Llama-4"),
    ("odbl", "ODbL-1.0"),
    ("odc-by", "ODC-By-1.0"),
    ("openrail", "LicenseRef-OpenRAIL"),
    ("openrail++", "LicenseRef-CreativeML-OpenRAILpp-M"),
    ("pddl", "PDDL-1.0"),
    ("qwen", "LicenseRef-Qwen"),
    ("qwen-research", "LicenseRef-Qwen-Research"),
    ("tongyi-qianwen", "LicenseRef-Tongyi-Qianwen"),
];

/// Maps a Hugging Face Hub `license:` id (`apache-2.0`, `llama3.1`,
/// `openrail++`, `cc-by-nc-4.0`, `other`, ...) to an SPDX expression; `other`
/// uses `license_name` when it names a known family. Model licences outside
/// the SPDX list map to `LicenseRef-<Family>` ids.
///
/// Hub ids equal to an SPDX id but for case map to that id; the bare GNU
/// ids (`gpl-3.0`) map to `-only`, as their deprecated SPDX forms meant.
/// Ambiguous ids (`bsd`, `cc`, `gpl`, `lgpl`) and `unknown` give `None`.
/// `other` gives the family `license_name` names, else
/// `LicenseRef-<license_name>` sanitised, else `LicenseRef-Other`.
pub fn from_hub_id(id: &str, license_name: Option<&str>) -> Option<String> {
    let id = id.trim();
    if id.is_empty() || id.len() > MAX_EXPR_BYTES {
        return None;
    }
    let lower = id.to_ascii_lowercase();
    if lower == "other" {
        let name = license_name.map(str::trim).filter(|n| !n.is_empty());
        return Some(match name {
            Some(name) => family_from_name(name).unwrap_or_else(|| license_ref(name)),
            None => "LicenseRef-Other".to_string(),
        });
    }
    if let Some((_, spdx)) = HUB_IDS.iter().find(|(hub, _)| *hub == lower) {
        return Some((*spdx).to_string());
    }
    if matches!(lower.as_str(), "bsd" | "cc" | "gpl" | "lgpl" | "unknown") {
        return None;
    }
    canonical_license_id(id)
}

/// The licence a card's one-line statement names (the template's
/// `**License:** X`): a Hub or SPDX id, else a licence its phrases name,
/// else `LicenseRef-<value>`, a licence stated but not identified.
pub fn from_statement(value: &str) -> String {
    from_hub_id(value, None)
        .filter(|id| id != "LicenseRef-Other")
        .or_else(|| {
            identify_by_phrases(value)
                .filter(|id| id.confidence >= 0.5)
                .map(|id| id.spdx)
        })
        .unwrap_or_else(|| license_ref(value))
}

/// A family named in free text (`license_name`, e.g. `tongyi-qianwen`,
/// `llama3`, `apple-sample-code-license`, `Falcon LLM license`).
fn family_from_name(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    if let Some((_, spdx)) = HUB_IDS.iter().find(|(hub, _)| *hub == lower) {
        return Some((*spdx).to_string());
    }
    if let Some(id) = canonical_license_id(name) {
        return Some(id);
    }
    // Compare on letters and digits only: "Llama 3.1", "llama-3_1", "llama3.1".
    let squashed: String = lower
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let has = |s: &str| squashed.contains(s);
    let id = if has("llama") {
        if has("llama4") {
            "LicenseRef-Llama-4"
        } else if has("llama33") {
            "LicenseRef-Llama-3.3"
        } else if has("llama32") {
            "LicenseRef-Llama-3.2"
        } else if has("llama31") {
            "LicenseRef-Llama-3.1"
        } else if has("llama3") {
            "LicenseRef-Llama-3"
        } else if has("llama2") {
            "LicenseRef-Llama-2"
        } else {
            return None;
        }
    } else if has("qwenresearch") {
        "LicenseRef-Qwen-Research"
    } else if has("tongyi") || has("qianwen") {
        "LicenseRef-Tongyi-Qianwen"
    } else if has("qwen") {
        "LicenseRef-Qwen"
    } else if has("gemma") {
        "LicenseRef-Gemma"
    } else if has("deepseek") {
        "LicenseRef-DeepSeek"
    } else if has("falcon180b") {
        "LicenseRef-TII-Falcon-180B"
    } else if has("falcon") {
        "LicenseRef-TII-Falcon"
    } else if has("applesamplecode") || has("ascl") {
        "AML"
    } else if has("amlr") || has("applemachinelearningresearch") {
        "LicenseRef-Apple-AMLR"
    } else if has("openmdw") {
        "OpenMDW-1.0"
    } else if has("nvidiaopenmodel") {
        "LicenseRef-NVIDIA-Open-Model"
    } else if has("chatglm2") {
        "LicenseRef-ChatGLM2-6B"
    } else if has("chatglm3") {
        "LicenseRef-ChatGLM3-6B"
    } else if has("chatglm") {
        "LicenseRef-ChatGLM-6B"
    } else if has("glm4") {
        "LicenseRef-GLM-4"
    } else if has("baichuan") {
        "LicenseRef-Baichuan-Community"
    } else if has("mistralainonproduction") || has("mnpl") {
        "LicenseRef-Mistral-Non-Production"
    } else if has("mistralairesearch") {
        "LicenseRef-Mistral-Research"
    } else if has("stabilityaicommunity") {
        "LicenseRef-Stability-AI-Community"
    } else {
        return None;
    };
    Some(id.to_string())
}

/// `LicenseRef-` plus the name with characters SPDX does not allow in an
/// idstring (letters, digits, `.`, `-`) replaced by `-`, capped at 64.
pub(crate) fn license_ref(name: &str) -> String {
    let mut s = String::from("LicenseRef-");
    let mut last_dash = true;
    for c in name.chars().take(64) {
        if c.is_ascii_alphanumeric() || c == '.' {
            s.push(c);
            last_dash = false;
        } else if !last_dash {
            s.push('-');
            last_dash = true;
        }
    }
    while s.ends_with('-') && s.len() > "LicenseRef-".len() {
        s.pop();
    }
    if s.len() == "LicenseRef-".len() {
        s.push_str("Other");
    }
    s
}

/// The SPDX list's spelling of a licence id given in any case, keeping a
/// trailing `+`.
fn canonical_license_id(id: &str) -> Option<String> {
    let (base, plus) = match id.strip_suffix('+') {
        Some(b) => (b, "+"),
        None => (id, ""),
    };
    spdx::identifiers::LICENSES
        .iter()
        .find(|l| l.name.eq_ignore_ascii_case(base))
        .map(|l| format!("{}{plus}", l.name))
}

/// `s` without an ASCII `prefix` matched in any case.
fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
        .filter(|rest| !rest.is_empty())
}

fn canonical_exception_id(id: &str) -> Option<&'static str> {
    spdx::identifiers::EXCEPTIONS
        .iter()
        .find(|e| e.name.eq_ignore_ascii_case(id))
        .map(|e| e.name)
}

/// Rewrites an expression with SPDX spelling: ids and exceptions in list
/// case, operators upper-case, `LicenseRef-` prefixes fixed. Hub ids keep
/// failing `spdx` otherwise (`apache-2.0`).
fn canonicalize(expr: &str) -> String {
    let mut out = String::with_capacity(expr.len() + 8);
    let mut prev_with = false;
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String, prev_with: &mut bool| {
        if token.is_empty() {
            return;
        }
        let t = token.as_str();
        let upper = t.to_ascii_uppercase();
        let mapped = if matches!(upper.as_str(), "AND" | "OR" | "WITH") {
            upper.clone()
        } else if *prev_with {
            canonical_exception_id(t).map_or_else(|| t.to_string(), str::to_string)
        } else if let Some(rest) = strip_prefix_ci(t, "licenseref-") {
            format!("LicenseRef-{rest}")
        } else if let Some(rest) = strip_prefix_ci(t, "documentref-") {
            format!("DocumentRef-{rest}")
        } else {
            canonical_license_id(t).unwrap_or_else(|| t.to_string())
        };
        *prev_with = upper == "WITH";
        out.push_str(&mapped);
        token.clear();
    };
    for c in expr.chars() {
        if c.is_whitespace() || c == '(' || c == ')' {
            flush(&mut token, &mut out, &mut prev_with);
            out.push(c);
        } else {
            token.push(c);
        }
    }
    flush(&mut token, &mut out, &mut prev_with);
    out
}

/// Parses an SPDX expression leniently: SPDX spelling in any case first
/// (without the spdx crate's imprecise-name guesses), then a single Hub id
/// mapped through [`from_hub_id`], then the crate's LAX mode as a last
/// resort.
fn parse_expression(expr: &str) -> Option<Expression> {
    let expr = expr.trim();
    if expr.is_empty() || expr.len() > MAX_EXPR_BYTES {
        return None;
    }
    let mode = ParseMode {
        allow_slash_as_or_operator: true,
        allow_imprecise_license_names: false,
        allow_postfix_plus_on_gpl: true,
        allow_deprecated: true,
        allow_unknown: false,
    };
    if let Ok(e) = Expression::parse_mode(&canonicalize(expr), mode) {
        return Some(e);
    }
    if !expr.contains(char::is_whitespace)
        && let Some(mapped) = from_hub_id(expr, None)
        && let Ok(e) = Expression::parse_mode(&mapped, mode)
    {
        return Some(e);
    }
    Expression::parse_mode(expr, ParseMode::LAX).ok()
}

fn req_is_open(req: &LicenseReq) -> bool {
    match &req.license {
        LicenseItem::Spdx { id, .. } => open::product_open(*id),
        // OpenMDW predates its SPDX listing; a LicenseRef naming it counts.
        LicenseItem::Other(r) => r.doc_ref.is_none() && open::product_open_ref(&r.lic_ref),
    }
}

/// Whether an SPDX expression is open as the Model Openness Tool counts it:
/// every licence needed under the expression's best choice is OSI-approved or
/// FSF-libre, an open data licence (CC0, CC-BY, CC-BY-SA, CDLA, ODC-By, ODbL,
/// PDDL, GFDL-1.3, OGL) or OpenMDW-1.0. Where this verdict and the MOT's own
/// differ on purpose (`PDDL-1.0`, newer OSI approvals, ...) is stated in
/// the table of `src/license/open.rs`. `A OR B` needs one open side, `A AND
/// B` both; `LicenseRef-*` ids are not open.
///
/// Ids are matched in any case and a bare Hub id is mapped first, so
/// `apache-2.0` is open and `llama3.1` is not. `WITH` exceptions do not
/// change the answer. Unparseable input is not open.
pub fn is_open(expr: &str) -> bool {
    parse_expression(expr).is_some_and(|e| e.evaluate(req_is_open))
}

/// Whether an SPDX expression is OSI-approved under its best choice (`A OR B`:
/// either side; `A AND B`: both), as the OSAID asks of code.
pub fn is_osi_approved(expr: &str) -> bool {
    parse_expression(expr).is_some_and(|e| {
        e.evaluate(
            |req| matches!(&req.license, LicenseItem::Spdx { id, .. } if id.is_osi_approved()),
        )
    })
}

/// Whether two SPDX expressions name the same licence terms.
///
/// Both are reduced to a canonical tree: ids in one case, `GPL-2.0` =
/// `GPL-2.0-only`, `GPL-2.0+` = `GPL-2.0-or-later`, operands of `AND`/`OR`
/// sorted and deduplicated. "Or later" is part of the terms: `GPL-3.0-only`
/// and `GPL-3.0-or-later` differ. Unparseable input matches nothing.
pub fn same_terms(a: &str, b: &str) -> bool {
    match (parse_expression(a), parse_expression(b)) {
        (Some(a), Some(b)) => canonical_form(&a) == canonical_form(&b),
        _ => false,
    }
}

enum Node {
    Leaf(String),
    Op(Operator, Vec<Node>),
}

fn canonical_form(expr: &Expression) -> Option<String> {
    let mut stack: Vec<Node> = Vec::new();
    for node in expr.iter() {
        match node {
            ExprNode::Req(r) => stack.push(Node::Leaf(req_key(&r.req))),
            ExprNode::Op(op) => {
                let b = stack.pop()?;
                let a = stack.pop()?;
                let mut children = Vec::new();
                for child in [a, b] {
                    match child {
                        Node::Op(o, kids) if o == *op => children.extend(kids),
                        other => children.push(other),
                    }
                }
                stack.push(Node::Op(*op, children));
            }
        }
    }
    let root = stack.pop()?;
    stack.is_empty().then(|| render(&root))
}

fn render(node: &Node) -> String {
    match node {
        Node::Leaf(s) => s.clone(),
        Node::Op(op, kids) => {
            let mut parts: Vec<String> = kids.iter().map(render).collect();
            parts.sort();
            parts.dedup();
            if parts.len() == 1 {
                return parts.remove(0);
            }
            let sep = if *op == Operator::And {
                " and "
            } else {
                " or "
            };
            format!("({})", parts.join(sep))
        }
    }
}

fn req_key(req: &LicenseReq) -> String {
    let mut key = match &req.license {
        LicenseItem::Spdx { id, or_later } => {
            let mut name = id.name;
            let mut later = *or_later;
            if let Some(b) = name.strip_suffix('+') {
                name = b;
                later = true;
            }
            if let Some(b) = name.strip_suffix("-or-later") {
                name = b;
                later = true;
            } else if let Some(b) = name.strip_suffix("-only") {
                name = b;
            }
            format!(
                "{}{}",
                name.to_ascii_lowercase(),
                if later { "+" } else { "" }
            )
        }
        LicenseItem::Other(r) => match &r.doc_ref {
            Some(d) => format!("documentref-{d}:licenseref-{}", r.lic_ref).to_ascii_lowercase(),
            None => format!("licenseref-{}", r.lic_ref).to_ascii_lowercase(),
        },
    };
    if let Some(add) = &req.addition {
        key.push_str(" with ");
        key.push_str(&add.to_string().to_ascii_lowercase());
    }
    key
}

/// Display names of the `LicenseRef-` families this module produces.
const FAMILY_NAMES: &[(&str, &str)] = &[
    (
        "LicenseRef-Baichuan-Community",
        "Baichuan Community License",
    ),
    ("LicenseRef-ChatGLM-6B", "ChatGLM-6B Model License"),
    ("LicenseRef-ChatGLM2-6B", "ChatGLM2-6B Model License"),
    ("LicenseRef-ChatGLM3-6B", "ChatGLM3-6B Model License"),
    ("LicenseRef-GLM-4", "GLM-4 Model License"),
    (
        "LicenseRef-Mistral-Non-Production",
        "Mistral AI Non-Production License",
    ),
    ("LicenseRef-Mistral-Research", "Mistral AI Research License"),
    (
        "LicenseRef-Stability-AI-Community",
        "Stability AI Community License",
    ),
    (
        "LicenseRef-Stability-AI-Non-Commercial",
        "Stability AI Non-Commercial Research Community License",
    ),
    ("LicenseRef-Yi", "Yi Series Models License"),
    ("LicenseRef-AI2-ImpACT-HR", "AI2 ImpACT License (high risk)"),
    ("LicenseRef-AI2-ImpACT-LR", "AI2 ImpACT License (low risk)"),
    (
        "LicenseRef-AI2-ImpACT-MR",
        "AI2 ImpACT License (medium risk)",
    ),
    (
        "LicenseRef-Apple-AMLR",
        "Apple Machine Learning Research Model License",
    ),
    ("LicenseRef-BigCode-OpenRAIL-M", "BigCode OpenRAIL-M"),
    (
        "LicenseRef-BigScience-BLOOM-RAIL-1.0",
        "BigScience BLOOM RAIL 1.0",
    ),
    ("LicenseRef-BigScience-OpenRAIL-M", "BigScience OpenRAIL-M"),
    ("LicenseRef-CreativeML-OpenRAIL-M", "CreativeML OpenRAIL-M"),
    (
        "LicenseRef-CreativeML-OpenRAILpp-M",
        "CreativeML OpenRAIL++-M",
    ),
    ("LicenseRef-DeepFloyd-IF", "DeepFloyd IF License"),
    ("LicenseRef-DeepSeek", "DeepSeek License"),
    (
        "LicenseRef-FAIR-Noncommercial-Research",
        "FAIR Noncommercial Research License",
    ),
    ("LicenseRef-Gemma", "Gemma Terms of Use"),
    ("LicenseRef-Grok-2-Community", "Grok 2 Community License"),
    ("LicenseRef-H-Research", "H Research License"),
    ("LicenseRef-Intel-Research", "Intel Research License"),
    (
        "LicenseRef-LGPL-LR",
        "Lesser General Public License for Linguistic Resources",
    ),
    ("LicenseRef-Llama-2", "Llama 2 Community License"),
    ("LicenseRef-Llama-3", "Meta Llama 3 Community License"),
    ("LicenseRef-Llama-3.1", "Llama 3.1 Community License"),
    ("LicenseRef-Llama-3.2", "Llama 3.2 Community License"),
    ("LicenseRef-Llama-3.3", "Llama 3.3 Community License"),
    ("LicenseRef-Llama-4", "Llama 4 Community License"),
    ("LicenseRef-NVIDIA-Open-Model", "NVIDIA Open Model License"),
    ("LicenseRef-OpenRAIL", "OpenRAIL"),
    ("LicenseRef-OpenRAIL-M", "OpenRAIL-M"),
    ("LicenseRef-Other", "Other licence"),
    ("LicenseRef-Qwen", "Qwen License"),
    ("LicenseRef-Qwen-Research", "Qwen Research License"),
    ("LicenseRef-TII-Falcon", "TII Falcon License"),
    ("LicenseRef-TII-Falcon-180B", "Falcon 180B TII License"),
    ("LicenseRef-Tongyi-Qianwen", "Tongyi Qianwen License"),
];

/// A human name for display: "Llama 3.1 Community License", "Apache-2.0".
///
/// Known `LicenseRef-` families get their names; other `LicenseRef-X-Y`
/// become "X Y"; SPDX ids and expressions are shown in SPDX spelling.
pub fn display_name(spdx: &str) -> String {
    let s = spdx.trim();
    if let Some((_, name)) = FAMILY_NAMES
        .iter()
        .find(|(id, _)| id.eq_ignore_ascii_case(s))
    {
        return (*name).to_string();
    }
    if let Some(rest) = strip_prefix_ci(s, "licenseref-")
        && !rest.is_empty()
        && !s.contains(' ')
    {
        return rest.replace('-', " ");
    }
    if s.len() > MAX_EXPR_BYTES {
        return truncate_at_char(s, MAX_EXPR_BYTES).to_string();
    }
    canonicalize(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A long card section of prose (the template's placeholder followed by
    /// paragraphs) is not a pasted licence: the whole-text matcher is not
    /// asked; a long section with a licence's legal words is.
    #[test]
    fn long_prose_sections_skip_the_whole_text_matcher() {
        let prose = "Paragraph text about the model, its uses and its limits. ".repeat(40);
        let before = fulltext::tests::MATCHED.get();
        assert_eq!(
            identify_section(&format!("[More Information Needed]\n\n{prose}")),
            None
        );
        assert_eq!(fulltext::tests::MATCHED.get(), before);
        let legal = format!(
            "{prose} The licensor gives no warranty and accepts no liability; these conditions apply."
        );
        assert_eq!(identify_section(&legal), None);
        assert_eq!(fulltext::tests::MATCHED.get(), before + 1);
    }

    fn id(text: &str) -> Option<String> {
        identify_text(text).map(|i| i.spdx)
    }

    fn conf(text: &str) -> f32 {
        identify_text(text).map_or(0.0, |i| i.confidence)
    }

    const APACHE_FULL: &str = "
                                 Apache License
                           Version 2.0, January 2004
                        http://www.apache.org/licenses/

   TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION

   1. Definitions.

      \"License\" shall mean the terms and conditions for use, reproduction,
      and distribution as defined by Sections 1 through 9 of this document.

   2. Grant of Copyright License. Subject to the terms and conditions of
      this License, each Contributor hereby grants to You a perpetual,
      worldwide, non-exclusive, no-charge, royalty-free, irrevocable
      copyright license to reproduce, prepare Derivative Works of,
      publicly display, publicly perform, sublicense, and distribute the
      Work and such Derivative Works in Source or Object form.

   3. Grant of Patent License. Subject to the terms and conditions of
      this License, each Contributor hereby grants to You a perpetual,
      worldwide, non-exclusive, no-charge, royalty-free, irrevocable
      (except as stated in this section) patent license to make, have made,
      use, offer to sell, sell, import, and otherwise transfer the Work,

   5. Submission of Contributions. Unless You explicitly state otherwise,
      any Contribution intentionally submitted for inclusion in the Work
      by You to the Licensor shall be under the terms and conditions of
      this License, without any additional terms or conditions.
";

    #[test]
    fn apache_full_and_header() {
        assert_eq!(id(APACHE_FULL).as_deref(), Some("Apache-2.0"));
        assert!(conf(APACHE_FULL) >= 0.95);
        let header = "# Copyright 2024 The HuggingFace Team. All rights reserved.
#
# Licensed under the Apache License, Version 2.0 (the \"License\");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
";
        assert_eq!(id(header).as_deref(), Some("Apache-2.0"));
        let c = conf(header);
        assert!((0.85..0.95).contains(&c), "{c}");
        let mention = "This model is released under the Apache 2.0 license.";
        assert_eq!(id(mention).as_deref(), Some("Apache-2.0"));
        assert!(conf(mention) < 0.7);
    }

    #[test]
    fn mit() {
        let text = "MIT License

Copyright (c) 2023 Mistral AI

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the \"Software\"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,";
        let got = identify_text(text).unwrap();
        assert_eq!(got.spdx, "MIT");
        assert!(got.confidence >= 0.95);
        assert_eq!(got.family.as_deref(), Some("MIT"));
        // Whole words: "submit license" is not "MIT license".
        assert_eq!(id("Please submit license questions to the team."), None);
    }

    const BSD_HEAD: &str = "Copyright (c) 2015, Facebook, Inc.
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this
   list of conditions and the following disclaimer.

2. Redistributions in binary form must reproduce the above copyright notice,
   this list of conditions and the following disclaimer in the documentation
   and/or other materials provided with the distribution.
";

    #[test]
    fn bsd() {
        let two = format!(
            "{BSD_HEAD}\nTHIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS \"AS IS\""
        );
        assert_eq!(id(&two).as_deref(), Some("BSD-2-Clause"));
        let three = format!(
            "{BSD_HEAD}
3. Neither the name of the copyright holder nor the names of its
   contributors may be used to endorse or promote products derived from
   this software without specific prior written permission.
"
        );
        assert_eq!(id(&three).as_deref(), Some("BSD-3-Clause"));
        assert!(conf(&three) >= 0.95);
    }

    #[test]
    fn isc() {
        let text = "ISC License

Copyright (c) 2004-2010 by Internet Systems Consortium, Inc. (\"ISC\")

Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted, provided that the above
copyright notice and this permission notice appear in all copies.

THE SOFTWARE IS PROVIDED \"AS IS\" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF";
        assert_eq!(id(text).as_deref(), Some("ISC"));
        assert!(conf(text) >= 0.95);
    }

    #[test]
    fn gnu_family() {
        let gpl3 = "                    GNU GENERAL PUBLIC LICENSE
                       Version 3, 29 June 2007

 Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>
 Everyone is permitted to copy and distribute verbatim copies
 of this license document, but changing it is not allowed.

                            Preamble

  The GNU General Public License is a free, copyleft license for
software and other kinds of works.

  The licenses for most software and other practical works are designed
to take away your freedom to share and change the works.  By contrast,

  0. Definitions.

  \"This License\" refers to version 3 of the GNU General Public License.
";
        assert_eq!(id(gpl3).as_deref(), Some("GPL-3.0-only"));
        assert!(conf(gpl3) >= 0.95);
        // Every copy of the GPL ends with the sample "any later version"
        // notice; it does not make the text itself "or later".
        let with_howto = format!(
            "{gpl3}\n  How to Apply These Terms to Your New Programs\n\n    it under the terms of the GNU General Public License as published by\n    the Free Software Foundation, either version 3 of the License, or\n    (at your option) any later version.\n"
        );
        assert_eq!(id(&with_howto).as_deref(), Some("GPL-3.0-only"));

        let gpl2 = "                    GNU GENERAL PUBLIC LICENSE
                       Version 2, June 1991

  The licenses for most software are designed to take away your
freedom to share and change it.  By contrast, the GNU General Public
License is intended to guarantee your freedom to share and change free
software--to make sure the software is free for all its users.  This
General Public License applies to most of the Free Software
Foundation's software and to any other program whose authors commit to
using it.";
        assert_eq!(id(gpl2).as_deref(), Some("GPL-2.0-only"));

        let lgpl21 = "                  GNU LESSER GENERAL PUBLIC LICENSE
                       Version 2.1, February 1999

[This is the first released version of the Lesser GPL.  It also counts
 as the successor of the GNU Library Public License, version 2, hence
 the version number 2.1.]

  This license, the Lesser General Public License, applies to some
specially designated software packages--typically libraries--of the
Free Software Foundation and other authors who decide to use it.";
        assert_eq!(id(lgpl21).as_deref(), Some("LGPL-2.1-only"));

        let lgpl3 = "                   GNU LESSER GENERAL PUBLIC LICENSE
                       Version 3, 29 June 2007

  This version of the GNU Lesser General Public License incorporates
the terms and conditions of version 3 of the GNU General Public
License, supplemented by the additional permissions listed below.

  0. Additional Definitions.

  As used herein, \"this License\" refers to version 3 of the GNU Lesser
General Public License, and the \"GNU GPL\" refers to version 3 of the GNU
General Public License.";
        assert_eq!(id(lgpl3).as_deref(), Some("LGPL-3.0-only"));

        let agpl = "                    GNU AFFERO GENERAL PUBLIC LICENSE
                       Version 3, 19 November 2007

  The GNU Affero General Public License is a free, copyleft license for
software and other kinds of works, specifically designed to ensure
cooperation with the community in the case of network server software.

  \"This License\" refers to version 3 of the GNU Affero General Public License.

  13. Remote Network Interaction; Use with the GNU General Public License.
  Notwithstanding any other provision of this License, if you modify the
Program, your modified version must prominently offer all users
interacting with it remotely through a computer network (if your version
supports such interaction) an opportunity to receive the Corresponding";
        assert_eq!(id(agpl).as_deref(), Some("AGPL-3.0-only"));

        let notice = "    This program is free software: you can redistribute it and/or modify
    it under the terms of the GNU General Public License as published by
    the Free Software Foundation, either version 3 of the License, or
    (at your option) any later version.";
        assert_eq!(id(notice).as_deref(), Some("GPL-3.0-or-later"));
    }

    #[test]
    fn mpl() {
        let text = "Mozilla Public License Version 2.0
==================================

1. Definitions
--------------

1.1. \"Contributor\"
    means each individual or legal entity that creates, contributes to
    the creation of, or owns Covered Software.

1.5. \"Incompatible With Secondary Licenses\"
    means";
        assert_eq!(id(text).as_deref(), Some("MPL-2.0"));
        let header = "/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */";
        assert_eq!(id(header).as_deref(), Some("MPL-2.0"));
    }

    #[test]
    fn unlicense_and_cc0() {
        let unlicense = "This is free and unencumbered software released into the public domain.

Anyone is free to copy, modify, publish, use, compile, sell, or
distribute this software, either in source code form or as a compiled
binary, for any purpose, commercial or non-commercial, and by any
means.

For more information, please refer to <https://unlicense.org>";
        assert_eq!(id(unlicense).as_deref(), Some("Unlicense"));
        assert!(conf(unlicense) >= 0.95);

        let cc0 = "Creative Commons Legal Code

CC0 1.0 Universal

Statement of Purpose

The laws of most jurisdictions throughout the world automatically confer
exclusive Copyright and Related Rights (defined below) upon the creator
and subsequent owner(s) (each and all, an \"owner\") of an original work

2. Waiver. To the greatest extent permitted by, but not in contravention
of, applicable law, Affirmer hereby overtly, fully, permanently,
irrevocably and unconditionally waives, abandons, and surrenders all of
Affirmer's Copyright and Related Rights";
        assert_eq!(id(cc0).as_deref(), Some("CC0-1.0"));
        assert!(conf(cc0) >= 0.95);
    }

    fn cc_text(title: &str) -> String {
        format!(
            "Creative Commons {title} International Public License

By exercising the Licensed Rights (defined below), You accept and agree
to be bound by the terms and conditions of this Creative Commons
{title} International Public License (\"Public License\").

Section 1 -- Definitions.

  i. Licensed Rights means the rights granted to You subject to the
     terms and conditions of this Public License,

  m. Sui Generis Database Rights means rights other than copyright
     resulting from Directive 96/9/EC of the European Parliament"
        )
    }

    #[test]
    fn creative_commons() {
        for (title, want) in [
            ("Attribution 4.0", "CC-BY-4.0"),
            ("Attribution-ShareAlike 4.0", "CC-BY-SA-4.0"),
            ("Attribution-NonCommercial 4.0", "CC-BY-NC-4.0"),
            (
                "Attribution-NonCommercial-ShareAlike 4.0",
                "CC-BY-NC-SA-4.0",
            ),
            (
                "Attribution-NonCommercial-NoDerivatives 4.0",
                "CC-BY-NC-ND-4.0",
            ),
        ] {
            let got = identify_text(&cc_text(title)).unwrap();
            assert_eq!(got.spdx, want, "{title}");
            assert!(got.confidence >= 0.95, "{title}");
        }
        assert_eq!(
            id("The weights are licensed under CC BY-NC 4.0.").as_deref(),
            Some("CC-BY-NC-4.0")
        );
        assert_eq!(
            id("This work is licensed under a Creative Commons Attribution 4.0 International License.")
                .as_deref(),
            Some("CC-BY-4.0")
        );
    }

    #[test]
    fn cdla_and_openmdw() {
        let cdla = "Community Data License Agreement - Permissive, Version 2.0

This is the Community Data License Agreement - Permissive, Version 2.0 (the \"agreement\"). Data Provider(s) and Data Recipient(s) agree as follows:

1. Provision of the Data

1.1. A Data Recipient may use, modify, and share the Data made available by Data Provider(s) under this agreement if that Data Recipient follows the terms of this agreement.

2. Conditions for Sharing Data

2.1. A Data Recipient may share Data, with or without modifications, so long as the Data Recipient makes available the text of this agreement with the shared Data.";
        assert_eq!(id(cdla).as_deref(), Some("CDLA-Permissive-2.0"));
        assert!(conf(cdla) >= 0.95);

        let mdw = "OpenMDW License Agreement, version 1.0 (OpenMDW-1.0)

By exercising rights granted to you under this agreement, you accept and agree to its terms.

As used in this agreement, \"Model Materials\" means the materials provided to you under this agreement, consisting of: (1) one or more machine learning models (including architecture and parameters); and (2) all related artifacts (including associated data, documentation and software) that are provided to you hereunder.

Subject to your compliance with this agreement, permission is hereby granted, free of charge, to deal in the Model Materials without restriction";
        let got = identify_text(mdw).unwrap();
        assert_eq!(got.spdx, "OpenMDW-1.0");
        assert!(got.confidence >= 0.95);
    }

    #[test]
    fn rail_family() {
        let creativeml = "Copyright (c) 2022 Robin Rombach and Patrick Esser and contributors

CreativeML Open RAIL-M
dated August 22, 2022

Section I: PREAMBLE

Multimodal generative models are being widely adopted and used, and have the potential to transform the way artists, among other individuals, conceive and benefit from AI or ML technologies as a tool for content creation.

Section III: CONDITIONS OF USAGE, DISTRIBUTION AND REDISTRIBUTION
5. Use-based restrictions. The restrictions set forth in Attachment A are considered Use-based restrictions.

Attachment A
Use Restrictions
You agree not to use the Model or Derivatives of the Model:";
        assert_eq!(
            id(creativeml).as_deref(),
            Some("LicenseRef-CreativeML-OpenRAIL-M")
        );
        let sdxl = "CreativeML Open RAIL++-M License dated July 26, 2023\n\nAttachment A\nUse Restrictions\nYou agree not to use the Model or Derivatives of the Model:";
        assert_eq!(
            id(sdxl).as_deref(),
            Some("LicenseRef-CreativeML-OpenRAILpp-M")
        );
        let bloom = "BigScience RAIL License v1.0\ndated May 19, 2022\n\nThis is a license (the \"License\") between you (\"You\") and the participants of BigScience (\"Licensor\").";
        assert_eq!(
            id(bloom).as_deref(),
            Some("LicenseRef-BigScience-BLOOM-RAIL-1.0")
        );
        let bs = "BigScience Open RAIL-M License\ndated August 18, 2022\n\nUse Restrictions";
        assert_eq!(id(bs).as_deref(), Some("LicenseRef-BigScience-OpenRAIL-M"));
    }

    #[test]
    fn llama_family() {
        let l31 = "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT
Llama 3.1 Version Release Date: July 23, 2024

\"Agreement\" means the terms and conditions for use, reproduction, distribution and modification of the Llama Materials set forth herein.

i. If you distribute or make available the Llama Materials (or any derivative works thereof), or a product or service (including another AI model) that contains any of them, you shall (A) provide a copy of this Agreement with any such Llama Materials; and (B) prominently display \"Built with Llama\" on a related website, user interface, blogpost, about page, or product documentation.

2. Additional Commercial Terms. If, on the Llama 3.1 version release date, the monthly active users of the products or services made available by or for Licensee, or Licensee's affiliates, is greater than 700 million monthly active users in the preceding calendar month, you must request a license from Meta";
        let got = identify_text(l31).unwrap();
        assert_eq!(got.spdx, "LicenseRef-Llama-3.1");
        assert!(got.confidence >= 0.95);
        assert_eq!(got.family.as_deref(), Some("Llama 3.1 Community License"));

        let l2 = "LLAMA 2 COMMUNITY LICENSE AGREEMENT\nLlama 2 Version Release Date: July 18, 2023\n\n\"Llama Materials\" means, collectively, Meta's proprietary Llama 2 and Documentation (and any portion thereof) made available under this Agreement.\n\n2. Additional Commercial Terms. If, on the Llama 2 version release date, the monthly active users ... is greater than 700 million monthly active users";
        assert_eq!(id(l2).as_deref(), Some("LicenseRef-Llama-2"));
        assert!(conf(l2) >= 0.95);

        let l3 = "META LLAMA 3 COMMUNITY LICENSE AGREEMENT\nMeta Llama 3 Version Release Date: April 18, 2024\n... prominently display \u{201c}Built with Meta Llama 3\u{201d} ... greater than 700 million monthly active users";
        assert_eq!(id(l3).as_deref(), Some("LicenseRef-Llama-3"));
        assert!(conf(l3) >= 0.95);

        let l32 = "LLAMA 3.2 COMMUNITY LICENSE AGREEMENT\nLlama 3.2 Version Release Date: September 25, 2024";
        assert_eq!(id(l32).as_deref(), Some("LicenseRef-Llama-3.2"));
        let l33 = "LLAMA 3.3 COMMUNITY LICENSE AGREEMENT\nLlama 3.3 Version Release Date: December 6, 2024";
        assert_eq!(id(l33).as_deref(), Some("LicenseRef-Llama-3.3"));
        let l4 =
            "LLAMA 4 COMMUNITY LICENSE AGREEMENT\nLlama 4 Version Effective Date: April 5, 2025";
        assert_eq!(id(l4).as_deref(), Some("LicenseRef-Llama-4"));
    }

    #[test]
    fn texts_the_phrase_rules_do_not_know_match_the_spdx_list() {
        // The zlib licence has no phrase rule; its SPDX text is matched whole.
        let zlib = "This software is provided 'as-is', without any express or implied
warranty.  In no event will the authors be held liable for any damages
arising from the use of this software.

Permission is granted to anyone to use this software for any purpose,
including commercial applications, and to alter it and redistribute it
freely, subject to the following restrictions:

1. The origin of this software must not be misrepresented; you must not
   claim that you wrote the original software. If you use this software
   in a product, an acknowledgment in the product documentation would be
   appreciated but is not required.
2. Altered source versions must be plainly marked as such, and must not be
   misrepresented as being the original software.
3. This notice may not be removed or altered from any source distribution.
";
        let got = identify_text(zlib).unwrap();
        assert_eq!(got.spdx, "Zlib");
        assert!(got.confidence >= 0.9, "{got:?}");
        assert_eq!(
            identify_text("no licence words at all, just a readme"),
            None
        );
    }

    #[test]
    fn cards_state_licences_per_part() {
        let card = "# Model\n\nThe training code is released under the MIT License. \
                    The model weights are licensed under CC BY-NC 4.0.\n\nEnjoy.";
        let parts = per_part(card);
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert_eq!((parts[0].0, parts[0].1.spdx.as_str()), (Part::Code, "MIT"));
        assert_eq!(
            (parts[1].0, parts[1].1.spdx.as_str()),
            (Part::Weights, "CC-BY-NC-4.0")
        );
        assert!(per_part("No licence talk about code here, only data.").is_empty());
    }

    #[test]
    fn osi_approval_follows_the_expression() {
        assert!(is_osi_approved("Apache-2.0"));
        assert!(is_osi_approved("MIT OR LicenseRef-Llama-3.1"));
        assert!(!is_osi_approved("MIT AND LicenseRef-Llama-3.1"));
        assert!(!is_osi_approved("CC-BY-4.0"));
        assert!(!is_osi_approved("garbage ("));
    }

    #[test]
    fn other_model_licences() {
        let gemma = "Gemma Terms of Use\n\nLast modified: February 21, 2024\n\nBy using, reproducing, modifying, distributing, performing or displaying any portion or element of Gemma, Model Derivatives including via any Hosted Service, (each as defined below) (collectively, the \"Gemma Services\") or otherwise accepting the terms of this Agreement, you agree to be bound by this Agreement.\n\n\"Model Derivatives\" means all (i) modifications to Gemma, (ii) works based on Gemma, or (iii) any other machine learning model\n\nYou must comply with the Gemma Prohibited Use Policy at ai.google.dev/gemma/prohibited_use_policy";
        assert_eq!(id(gemma).as_deref(), Some("LicenseRef-Gemma"));
        assert!(conf(gemma) >= 0.95);

        let tongyi = "Tongyi Qianwen LICENSE AGREEMENT\n\nTongyi Qianwen Release Date: August 3, 2023\n\nBy clicking to agree or by using or distributing any portion or element of the Tongyi Qianwen Materials, you will be deemed to have recognized and accepted the content of this Agreement\n\n\"Licensor\" shall mean the Alibaba Cloud.\n\nIf you are commercially using the Materials, and your product or service has more than 100 million monthly active users, You shall request a license from Us.";
        assert_eq!(id(tongyi).as_deref(), Some("LicenseRef-Tongyi-Qianwen"));
        let qwen = "Qwen LICENSE AGREEMENT\n\nQwen LICENSE AGREEMENT Release Date: September 19, 2024\n\"Licensor\" or \"Alibaba Cloud\" shall mean the Alibaba Cloud\nmore than 100 million monthly active users";
        assert_eq!(id(qwen).as_deref(), Some("LicenseRef-Qwen"));
        let research = "Qwen RESEARCH LICENSE AGREEMENT\n\nQwen RESEARCH LICENSE AGREEMENT Release Date: September 19, 2024\n\"Non-Commercial\" shall mean for research or evaluation purposes only.";
        assert_eq!(id(research).as_deref(), Some("LicenseRef-Qwen-Research"));

        let deepseek = "DEEPSEEK LICENSE AGREEMENT\n\nVersion 1.0, 23 October 2023\n\nCopyright \u{a9} 2023 DeepSeek\n\nSection I: PREAMBLE\n\nLarge generative models are being widely adopted and used\n\nATTACHMENT A\nUse Restrictions";
        assert_eq!(id(deepseek).as_deref(), Some("LicenseRef-DeepSeek"));
        assert!(conf(deepseek) >= 0.95);

        let falcon = "TII Falcon LLM License Version 1.0\nMay 2023\n\nThis license (\"License\") is between Technology Innovation Institute - Sole Proprietorship LLC (\"TII\") and You.";
        assert_eq!(id(falcon).as_deref(), Some("LicenseRef-TII-Falcon"));
        let f180 = "Falcon 180B TII License Version 1.0\nSeptember 2023\nTechnology Innovation Institute\nAcceptable Use Policy";
        assert_eq!(id(f180).as_deref(), Some("LicenseRef-TII-Falcon-180B"));

        let apple = "Copyright (C) 2024 Apple Inc. All Rights Reserved.\n\nIMPORTANT:  This Apple software is supplied to you by Apple\nInc. (\"Apple\") in consideration of your agreement to the following\nterms, and your use, installation, modification or redistribution of\nthis Apple software constitutes acceptance of these terms.  If you do\nnot agree with these terms, please do not use, install, modify or\nredistribute this Apple software.\n\nNeither the name, trademarks, service marks or logos of Apple Inc. may\nbe used to endorse or promote products derived from the Apple Software\nwithout specific prior written permission from Apple.";
        assert_eq!(id(apple).as_deref(), Some("AML"));
        assert!(conf(apple) >= 0.95);

        let amlr = "Disclaimer: IMPORTANT: This Apple Machine Learning Research Model is specifically developed and released by Apple Inc. (\"Apple\") for the sole purpose of scientific research of artificial intelligence and machine-learning technology.";
        assert_eq!(id(amlr).as_deref(), Some("LicenseRef-Apple-AMLR"));
    }

    #[test]
    fn unrelated_text() {
        assert_eq!(id(""), None);
        assert_eq!(
            id("# Llama fine-tune\n\nThis model was trained on 8 GPUs for 3 days."),
            None
        );
        assert_eq!(
            id("Licence: see the paper. Copyright 2024 the authors."),
            None
        );
        // Huge input is cut, not scanned whole, and does not panic.
        let big = "é".repeat(MAX_TEXT_BYTES);
        assert_eq!(id(&big), None);
    }

    /// Deterministic pseudo-random strings built from fragments that
    /// exercise the parsers' edge cases (multi-byte characters at slice
    /// points, prefixes, operators, parentheses).
    fn noise(seed: u64, len: usize) -> String {
        const PARTS: &[&str] = &[
            "LicenseRef-",
            "licenseref-é",
            "DocumentRef-",
            "(",
            ")",
            " AND ",
            " or ",
            " WITH ",
            "+",
            "/",
            "MIT",
            "apache-2.0",
            "GPL-2.0",
            "é",
            "日本",
            "\u{FEFF}",
            " ",
            "\n",
            "-",
            ".",
            "llama3.1",
            "other",
            "creativeml open rail m",
            "apache license version 2 0",
        ];
        let mut x = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut out = String::new();
        for _ in 0..len {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            out.push_str(PARTS[(x >> 33) as usize % PARTS.len()]);
        }
        out
    }

    #[test]
    fn no_panics_on_noise() {
        for seed in 0..400 {
            let a = noise(seed, (seed % 17) as usize);
            let b = noise(seed + 1000, 5);
            let _ = identify_text(&a);
            let _ = from_hub_id(&a, Some(&b));
            let _ = is_open(&a);
            let _ = same_terms(&a, &b);
            let _ = display_name(&a);
        }
    }

    #[test]
    fn hub_ids() {
        let table = [
            ("apache-2.0", "Apache-2.0"),
            ("mit", "MIT"),
            ("bsd-2-clause", "BSD-2-Clause"),
            ("bsd-3-clause", "BSD-3-Clause"),
            ("gpl-2.0", "GPL-2.0-only"),
            ("gpl-3.0", "GPL-3.0-only"),
            ("lgpl-2.1", "LGPL-2.1-only"),
            ("lgpl-3.0", "LGPL-3.0-only"),
            ("agpl-3.0", "AGPL-3.0-only"),
            ("mpl-2.0", "MPL-2.0"),
            ("unlicense", "Unlicense"),
            ("cc0-1.0", "CC0-1.0"),
            ("cc-by-4.0", "CC-BY-4.0"),
            ("cc-by-sa-4.0", "CC-BY-SA-4.0"),
            ("cc-by-nc-4.0", "CC-BY-NC-4.0"),
            ("cc-by-nc-sa-4.0", "CC-BY-NC-SA-4.0"),
            ("cc-by-nc-nd-4.0", "CC-BY-NC-ND-4.0"),
            ("cdla-permissive-2.0", "CDLA-Permissive-2.0"),
            ("odc-by", "ODC-By-1.0"),
            ("odbl", "ODbL-1.0"),
            ("openrail", "LicenseRef-OpenRAIL"),
            ("openrail++", "LicenseRef-CreativeML-OpenRAILpp-M"),
            ("creativeml-openrail-m", "LicenseRef-CreativeML-OpenRAIL-M"),
            ("bigscience-openrail-m", "LicenseRef-BigScience-OpenRAIL-M"),
            (
                "bigscience-bloom-rail-1.0",
                "LicenseRef-BigScience-BLOOM-RAIL-1.0",
            ),
            ("llama2", "LicenseRef-Llama-2"),
            ("llama3", "LicenseRef-Llama-3"),
            ("llama3.1", "LicenseRef-Llama-3.1"),
            ("llama3.2", "LicenseRef-Llama-3.2"),
            ("llama3.3", "LicenseRef-Llama-3.3"),
            ("llama4", "LicenseRef-Llama-4"),
            ("gemma", "LicenseRef-Gemma"),
            ("deepseek", "LicenseRef-DeepSeek"),
            ("apple-amlr", "LicenseRef-Apple-AMLR"),
            ("apple-ascl", "AML"),
            ("artistic-2.0", "Artistic-2.0"),
            ("bsl-1.0", "BSL-1.0"),
            ("wtfpl", "WTFPL"),
            ("afl-3.0", "AFL-3.0"),
            ("ecl-2.0", "ECL-2.0"),
            ("epl-2.0", "EPL-2.0"),
            ("eupl-1.1", "EUPL-1.1"),
            ("eupl-1.2", "EUPL-1.2"),
            ("c-uda", "C-UDA-1.0"),
            ("openmdw-1.0", "OpenMDW-1.0"),
            ("Apache-2.0", "Apache-2.0"),
            (" MIT ", "MIT"),
        ];
        for (hub, want) in table {
            assert_eq!(from_hub_id(hub, None).as_deref(), Some(want), "{hub}");
        }
        assert_eq!(from_hub_id("unknown", None), None);
        assert_eq!(from_hub_id("bsd", None), None);
        assert_eq!(from_hub_id("not-a-licence", None), None);
        assert_eq!(from_hub_id("", None), None);
    }

    #[test]
    fn hub_other_with_name() {
        let cases = [
            (Some("tongyi-qianwen"), "LicenseRef-Tongyi-Qianwen"),
            (Some("qwen-research"), "LicenseRef-Qwen-Research"),
            (Some("deepseek"), "LicenseRef-DeepSeek"),
            (Some("llama3"), "LicenseRef-Llama-3"),
            (Some("Llama 3.1 Community License"), "LicenseRef-Llama-3.1"),
            (Some("falcon-llm-license"), "LicenseRef-TII-Falcon"),
            (Some("apple-sample-code-license"), "AML"),
            (
                Some("nvidia-open-model-license"),
                "LicenseRef-NVIDIA-Open-Model",
            ),
            (Some("apache-2.0"), "Apache-2.0"),
            (
                Some("Tencent Hunyuan Community!"),
                "LicenseRef-Tencent-Hunyuan-Community",
            ),
            (Some("  "), "LicenseRef-Other"),
            (Some("???"), "LicenseRef-Other"),
            (None, "LicenseRef-Other"),
        ];
        for (name, want) in cases {
            assert_eq!(
                from_hub_id("other", name).as_deref(),
                Some(want),
                "{name:?}"
            );
        }
    }

    #[test]
    fn openness() {
        assert!(is_open("Apache-2.0"));
        assert!(is_open("apache-2.0"));
        assert!(is_open("MIT OR Apache-2.0"));
        assert!(is_open("MIT/Apache-2.0"));
        assert!(is_open("CC-BY-4.0"));
        assert!(is_open("CC-BY-SA-4.0"));
        assert!(is_open("CDLA-Permissive-2.0"));
        assert!(is_open("ODbL-1.0"));
        assert!(is_open("PDDL-1.0"));
        assert!(is_open("OGL-UK-3.0"));
        assert!(is_open("OpenMDW-1.0"));
        assert!(is_open("LicenseRef-OpenMDW-1.0"));
        assert!(is_open("GPL-2.0+"));
        assert!(is_open("GPL-3.0-or-later WITH GCC-exception-3.1"));
        assert!(is_open("LicenseRef-x OR MIT"));
        assert!(!is_open("CC-BY-NC-4.0"));
        assert!(!is_open("CC-BY-ND-4.0"));
        assert!(!is_open("LicenseRef-Llama-3.1"));
        assert!(!is_open("llama3.1"));
        assert!(!is_open("GPL-3.0-only AND LicenseRef-x"));
        assert!(!is_open("garbage"));
        assert!(!is_open(""));
        assert!(!is_open("MIT AND"));
        assert!(!is_open(&"MIT OR ".repeat(1000)));
    }

    #[test]
    fn terms() {
        assert!(same_terms("apache-2.0", "Apache-2.0"));
        assert!(same_terms("MIT OR Apache-2.0", "apache-2.0 or mit"));
        assert!(same_terms("GPL-2.0", "GPL-2.0-only"));
        assert!(same_terms("GPL-2.0+", "GPL-2.0-or-later"));
        assert!(same_terms("LicenseRef-Llama-3.1", "licenseref-llama-3.1"));
        assert!(same_terms("llama3.1", "LicenseRef-Llama-3.1"));
        assert!(same_terms(
            "(MIT AND BSD-3-Clause) OR Apache-2.0",
            "Apache-2.0 OR (BSD-3-Clause AND MIT)"
        ));
        assert!(!same_terms("GPL-3.0-only", "GPL-3.0-or-later"));
        assert!(!same_terms("MIT OR Apache-2.0", "MIT AND Apache-2.0"));
        assert!(!same_terms("MIT", "Apache-2.0"));
        assert!(!same_terms("garbage", "garbage"));
    }

    #[test]
    fn display_names() {
        assert_eq!(
            display_name("LicenseRef-Llama-3.1"),
            "Llama 3.1 Community License"
        );
        assert_eq!(display_name("Apache-2.0"), "Apache-2.0");
        assert_eq!(display_name("apache-2.0"), "Apache-2.0");
        assert_eq!(display_name("LicenseRef-Gemma"), "Gemma Terms of Use");
        assert_eq!(display_name("LicenseRef-Acme-Model"), "Acme Model");
        assert_eq!(display_name("mit or apache-2.0"), "MIT OR Apache-2.0");
    }
}
