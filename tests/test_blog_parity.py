"""The seed preset is the blog, exactly: same weights as its loop, 2114 of 2115."""

import numpy as np

from nnlib import PRESETS, Trainer, prepare_data
from nnlib.data import select_digits


def blog_loop(train_images, train_labels):
    """The blog's main loop with its bugs fixed, in plain float64 NumPy."""

    def sigmoid(x):
        return 1 / (1 + np.exp(-x))

    np.random.seed(2)
    num_input, nn_hidden, nn_output = 784, 10, 2
    W1 = np.random.uniform(
        -np.sqrt(6) / np.sqrt(num_input + nn_hidden),
        np.sqrt(6) / np.sqrt(nn_hidden + num_input),
        size=(nn_hidden, num_input),
    )
    B1 = np.zeros((nn_hidden, 1))
    W2 = np.random.uniform(
        -np.sqrt(6) / np.sqrt(nn_output + nn_hidden),
        np.sqrt(6) / np.sqrt(nn_output + nn_hidden),
        size=(nn_output, nn_hidden),
    )
    B2 = np.zeros((nn_output, 1))
    learning_rate = 0.001
    for image, label in zip(train_images, train_labels):
        X = image.reshape(784, 1).astype(np.float64)
        X = (X - X.min()) / (X.max() - X.min())
        Y = np.zeros((2, 1))
        Y[int(label)] = 1
        Z1 = np.dot(W1, X) + B1
        A1 = np.tanh(Z1)
        Z2 = np.dot(W2, A1) + B2
        A2 = sigmoid(Z2)
        dZ2 = A2 - Y
        dW2 = np.dot(dZ2, A1.T)
        dB2 = np.sum(dZ2, axis=1, keepdims=True)
        dZ1 = np.dot(W2.T, dZ2) * (1 - np.square(A1))
        dW1 = np.dot(dZ1, X.T)
        dB1 = np.sum(dZ1, axis=1, keepdims=True)
        W1 = W1 - learning_rate * dW1
        B1 = B1 - learning_rate * dB1
        W2 = W2 - learning_rate * dW2
        B2 = B2 - learning_rate * dB2
    return {"W1": W1, "B1": B1, "W2": W2, "B2": B2}


def test_seed_preset_reproduces_the_blog(mnist):
    config = PRESETS["seed"]
    data = prepare_data(mnist, config.digits, config.normalization, config.dtype)
    assert len(data.y_train) == 12665 and len(data.y_test) == 2115
    trainer = Trainer(config, data)
    trainer.run()
    images, classes = select_digits(mnist.train, (0, 1))
    expected = blog_loop(images, classes)
    for name, value in expected.items():
        np.testing.assert_allclose(trainer.network.params[name], value, atol=1e-5, rtol=0)
    predictions = trainer.network.predict(data.X_test.T)
    assert int((predictions == data.y_test).sum()) == 2114
    assert trainer.status == "finished" and trainer.step == 12665
