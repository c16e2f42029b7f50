"""IDX parsing: good, truncated and foreign files; digit subsets."""

import gzip
import time

import numpy as np
import pytest

from nnlib.data import (
    IMAGES_MAGIC,
    LABELS_MAGIC,
    DataError,
    load_mnist,
    normalize_255,
    normalize_minmax,
    read_idx_bytes,
    read_idx_file,
    select_digits,
    write_idx,
)


def test_embedded_mnist_loads_fast_and_read_only(mnist):
    started = time.perf_counter()
    data = load_mnist()
    assert time.perf_counter() - started < 2.0  # generous; measured ~0.15 s
    assert data.train.images.shape == (60000, 28, 28)
    assert data.test.images.shape == (10000, 28, 28)
    assert data.train.labels.shape == (60000,)
    assert not data.train.images.flags.writeable
    with pytest.raises(ValueError):
        data.train.images[0, 0, 0] = 1


def test_zero_one_subset_matches_the_blog(mnist):
    images, classes = select_digits(mnist.train, (0, 1))
    assert len(images) == 12665
    assert len(select_digits(mnist.test, (0, 1))[0]) == 2115
    assert not images.flags.writeable


def test_other_digits_map_to_class_indices(mnist):
    images, classes = select_digits(mnist.test, (3, 8))
    labels = mnist.test.labels[np.isin(mnist.test.labels, (3, 8))]
    assert set(np.unique(classes)) == {0, 1}
    np.testing.assert_array_equal(classes, (labels == 8).astype(int))
    all_images, all_classes = select_digits(mnist.test, tuple(range(10)))
    assert len(all_images) == 10000
    np.testing.assert_array_equal(all_classes, mnist.test.labels)


def test_raw_and_gzipped_files_read_the_same(tmp_path):
    array = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    write_idx(tmp_path / "a.gz", array)
    write_idx(tmp_path / "a", array, compress=False)
    np.testing.assert_array_equal(read_idx_file(tmp_path / "a.gz", IMAGES_MAGIC), array)
    np.testing.assert_array_equal(read_idx_file(tmp_path / "a", IMAGES_MAGIC), array)


def test_truncated_file_names_the_file_and_the_problem(tmp_path):
    array = np.zeros((5, 28, 28), dtype=np.uint8)
    write_idx(tmp_path / "imgs", array, compress=False)
    (tmp_path / "imgs").write_bytes((tmp_path / "imgs").read_bytes()[:-100])
    with pytest.raises(DataError, match=r"imgs: truncated.*5x28x28"):
        read_idx_file(tmp_path / "imgs", IMAGES_MAGIC)


def test_foreign_file_is_refused(tmp_path):
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(DataError, match="photo.png: not an IDX images file"):
        read_idx_file(tmp_path / "photo.png", IMAGES_MAGIC)
    with pytest.raises(DataError, match="not an IDX labels file"):
        read_idx_bytes(IMAGES_MAGIC.to_bytes(4, "big") + bytes(12), LABELS_MAGIC)


def test_broken_gzip_and_missing_files(tmp_path):
    (tmp_path / "bad.gz").write_bytes(gzip.compress(b"0123456789")[:-4])
    with pytest.raises(DataError, match="bad.gz"):
        read_idx_file(tmp_path / "bad.gz", IMAGES_MAGIC)
    with pytest.raises(DataError, match="no such file"):
        read_idx_file(tmp_path / "missing", IMAGES_MAGIC)
    with pytest.raises(DataError, match="no train-images"):
        load_mnist(tmp_path)


def test_labels_must_be_digits_and_counts_agree(tmp_path, mnist):
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", mnist.train.images[:10])
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", mnist.train.labels[:9])
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", mnist.test.images[:10])
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.full(10, 42, dtype=np.uint8))
    with pytest.raises(DataError, match="10 images but 9 labels"):
        load_mnist(tmp_path)


def test_data_dir_setting(monkeypatch, small_data_dir):
    monkeypatch.setenv("MNIST_DIR", str(small_data_dir))
    data = load_mnist()
    assert len(data.train) == 2000 and len(data.test) == 500


def test_normalisations():
    images = np.array([[[10, 20], [30, 110]], [[0, 0], [0, 0]]], dtype=np.uint8)
    minmax = normalize_minmax(images)
    np.testing.assert_allclose(minmax[0], [0, 0.1, 0.2, 1.0])
    np.testing.assert_array_equal(minmax[1], 0)  # blank image: no division by zero
    np.testing.assert_allclose(normalize_255(images)[0], np.array([10, 20, 30, 110]) / 255, rtol=1e-6)
