// Which array is which, from its name: .npy files, .npz entries and IDX files are paired as
// images + labels and sorted into train/validation/test by the words in their names.
// A name is cut into words at "_", "-", "." and spaces (case ignored; ".npy", ".gz" and MNIST's
// "idx3"/"ubyte" words dropped). Recognised words:
//   images: x, images, image, imgs, img, data, inputs      labels: y, labels, label, targets, target
//   train: train, training   validation: val, valid, validation   test: test, testing, t10k
// and the joined Keras-style forms xtrain, ytest, … . So x / y, images / labels, x_train / y_train,
// x_test / y_test, train_images / train_labels, train-images-idx3-ubyte / train-labels-idx1-ubyte
// all pair up; whatever words remain (the stem, e.g. "mnist" in mnist_images.npy) must match too.
export type ArrayRole = 'images' | 'labels';
export type ArrayPartName = 'all' | 'train' | 'validation' | 'test';

export interface ArrayName {
  role: ArrayRole;
  part: ArrayPartName;
  /** The remaining words, joined by "-"; arrays pair only within the same stem. */
  stem: string;
}

const roleWords: Record<string, ArrayRole> = {
  x: 'images',
  images: 'images',
  image: 'images',
  imgs: 'images',
  img: 'images',
  data: 'images',
  inputs: 'images',
  y: 'labels',
  labels: 'labels',
  label: 'labels',
  targets: 'labels',
  target: 'labels',
};

const partWords: Record<string, ArrayPartName> = {
  train: 'train',
  training: 'train',
  val: 'validation',
  valid: 'validation',
  validation: 'validation',
  test: 'test',
  testing: 'test',
  t10k: 'test',
};

export const recognisedNames = { roles: Object.keys(roleWords), parts: Object.keys(partWords) };

/** The role, part and stem of an array's name, or null when it names no images or labels. */
export function classifyArrayName(name: string): ArrayName | null {
  const base = name.toLowerCase().replace(/\.gz$/, '').replace(/\.npy$/, '');
  const words = base.split(/[-_.\s]+/).filter((w) => w !== '' && !/^idx\d+$/.test(w) && w !== 'ubyte');
  let role: ArrayRole | null = null;
  let part: ArrayPartName | null = null;
  const rest: string[] = [];
  for (const word of words) {
    const joined = /^([xy])(train|test|val|valid)$/.exec(word);
    if (joined && role === null && part === null) {
      role = roleWords[joined[1]!]!;
      part = partWords[joined[2]!]!;
    } else if (Object.hasOwn(roleWords, word) && role === null) role = roleWords[word]!;
    else if (Object.hasOwn(partWords, word) && part === null) part = partWords[word]!;
    else rest.push(word);
  }
  return role === null ? null : { role, part: part ?? 'all', stem: rest.join('-') };
}
