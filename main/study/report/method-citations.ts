// The paper behind each attribution method, for the report's methods section (main/explain/
// methods.md gives each method's definition against its paper). LRP variants share the LRP
// papers, with the rule set's own source.

const lrp = 'Bach et al. 2015, "On pixel-wise explanations for non-linear classifier decisions by layer-wise relevance propagation", PLOS ONE 10(7); Montavon et al. 2019, "Layer-wise relevance propagation: an overview"';

const citations: Record<string, string> = {
  sensitivity: 'Simonyan, Vedaldi & Zisserman 2014, "Deep inside convolutional networks: visualising image classification models and saliency maps", ICLR workshop, §3.1',
  gradient: 'Baehrens et al. 2010, "How to explain individual classification decisions", JMLR 11',
  'gradient-x-input': 'Shrikumar et al. 2016, "Not just a black box: learning important features through propagating activation differences", arXiv:1605.01713',
  smoothgrad: 'Smilkov et al. 2017, "SmoothGrad: removing noise by adding noise", arXiv:1706.03825',
  'integrated-gradients': 'Sundararajan, Taly & Yan 2017, "Axiomatic attribution for deep networks", ICML',
  'guided-backprop': 'Springenberg et al. 2015, "Striving for simplicity: the all convolutional net", ICLR workshop',
  deconvnet: 'Zeiler & Fergus 2014, "Visualizing and understanding convolutional networks", ECCV, §2.1',
  'grad-cam': 'Selvaraju et al. 2017, "Grad-CAM: visual explanations from deep networks via gradient-based localization", ICCV',
  'guided-grad-cam': 'Selvaraju et al. 2017, "Grad-CAM: visual explanations from deep networks via gradient-based localization", ICCV',
  occlusion: 'Zeiler & Fergus 2014, "Visualizing and understanding convolutional networks", ECCV, §4.2',
  rise: 'Petsiuk, Das & Saenko 2018, "RISE: randomized input sampling for explanation of black-box models", BMVC',
  lime: 'Ribeiro, Singh & Guestrin 2016, "\u201cWhy should I trust you?\u201d Explaining the predictions of any classifier", KDD',
  'kernel-shap': 'Lundberg & Lee 2017, "A unified approach to interpreting model predictions", NeurIPS',
  random: 'A random baseline: uniform noise on [0, 1), which explains nothing (cf. Adebayo et al. 2018, "Sanity checks for saliency maps", NeurIPS)',
};

export function methodCitation(id: string): string {
  const known = citations[id];
  if (known !== undefined) return known;
  if (id === 'lrp-preset-a' || id === 'lrp-preset-b') return `${lrp}; presets of iNNvestigate (Alber et al. 2019, JMLR 20)`;
  if (id.startsWith('lrp-')) return `${lrp}; rules and composites as in Zennit (Anders et al. 2021, arXiv:2106.13200)`;
  return 'No citation is recorded for this method.';
}
